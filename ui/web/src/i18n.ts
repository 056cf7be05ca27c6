import i18n from "i18next";
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

export default i18n;
