import i18n, { type TFunction } from "i18next";
import { initReactI18next } from "react-i18next";
import en from "./locales/en.json";
import zhCN from "./locales/zh-CN.json";
import zhTW from "./locales/zh-TW.json";

export const languages = ["zh-CN", "zh-TW", "en"] as const;
export type Language = (typeof languages)[number];

const storageKey = "leaktrail.language";

// The language before sign-in: the one chosen last on this browser, else
// the browser's own (zh-TW for Traditional Chinese regions), else zh-CN.
export function initialLanguage(): Language {
  const saved = localStorage.getItem(storageKey);
  if (languages.includes(saved as Language)) return saved as Language;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const t = tag.toLowerCase();
    if (t.startsWith("zh-tw") || t.startsWith("zh-hk") || t.startsWith("zh-mo") || t.includes("hant")) return "zh-TW";
    if (t.startsWith("zh")) return "zh-CN";
    if (t.startsWith("en")) return "en";
  }
  return "zh-CN";
}

export function rememberLanguage(lang: Language) {
  localStorage.setItem(storageKey, lang);
  document.documentElement.lang = lang;
  void i18n.changeLanguage(lang);
}

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, "zh-CN": { translation: zhCN }, "zh-TW": { translation: zhTW } },
  lng: initialLanguage(),
  fallbackLng: "en",
  interpolation: { escapeValue: false },
  showSupportNotice: false,
});

// fieldLabel names a field the server names ("input.memberCount",
// "forwards[3].to.key") by its last part's label in the reader's language.
export function fieldLabel(t: TFunction, field: string): string {
  const name = field.replace(/\[\d+\]/g, "").split(".").filter((p) => p !== "input").pop() ?? field;
  return t(`field.${name}`, { defaultValue: name });
}

// Formatters for the codes inside an error's params ("{{0, stage}}" in a
// reason's wording): the server sends codes, the reader gets their labels.
const label = (prefix: string) => (value: unknown, lng?: string) => i18n.t(`${prefix}.${String(value)}`, { lng, defaultValue: String(value) });
i18n.services.formatter?.add("stage", label("stage"));
i18n.services.formatter?.add("outcomeStatus", label("discipline.statuses"));
i18n.services.formatter?.add("nodeKind", label("spread.kind"));
i18n.services.formatter?.add("field", (value: unknown, lng?: string) => fieldLabel(i18n.getFixedT(lng ?? i18n.language), String(value)));
i18n.services.formatter?.add("requirements", (value: unknown, lng?: string) => new Intl.ListFormat(lng).format(
  String(value).split(", ").map((id) => i18n.t(`requirement.${id}`, { lng, defaultValue: id }))));

export default i18n;
