import i18n from "i18next";
import { describe, expect, it } from "vitest";
import en from "../locales/en.json";
import zhCN from "../locales/zh-CN.json";
import zhTW from "../locales/zh-TW.json";
import { classificationLabel } from "./classification";

const t = (lng: string) => {
  const inst = i18n.createInstance();
  inst.init({ lng, resources: { "zh-CN": { translation: zhCN }, "zh-TW": { translation: zhTW }, en: { translation: en } }, interpolation: { escapeValue: false } });
  return inst.t;
};

describe("classificationLabel", () => {
  it("words a level from the case's jurisdiction, not the reader's script", () => {
    // The bug of issue 15: a mainland 机密 case read in zh-TW showed 極機密, Taiwan's middle level.
    expect(classificationLabel(t("zh-TW"), "SECRET", "CN")).toBe("機密");
    expect(classificationLabel(t("zh-TW"), "SECRET", "TW")).toBe("極機密");
    expect(classificationLabel(t("zh-TW"), "CONFIDENTIAL", "TW")).toBe("機密");
    expect(classificationLabel(t("zh-CN"), "SECRET", "CN")).toBe("机密");
    expect(classificationLabel(t("zh-CN"), "SECRET", "TW")).toBe("极机密");
    expect(classificationLabel(t("zh-CN"), "TOP_SECRET", "TW")).toBe("绝对机密");
    expect(classificationLabel(t("en"), "PERSONAL_DATA", "TW")).toBe("Personal data");
  });
  it("names the scale beside the level when asked", () => {
    expect(classificationLabel(t("zh-CN"), "SECRET", "CN", true)).toBe("机密（中国大陆密级）");
    expect(classificationLabel(t("zh-TW"), "SECRET", "CN", true)).toBe("機密（中國大陸密級）");
    expect(classificationLabel(t("zh-TW"), "SECRET", "TW", true)).toBe("極機密（臺灣國家機密等級）");
    expect(classificationLabel(t("en"), "SECRET", "TW", true)).toBe("Secret (Taiwan scale)");
  });
  it("has every level on both scales in every language", () => {
    for (const lng of ["zh-CN", "zh-TW", "en"]) {
      for (const j of ["CN", "TW"]) {
        for (const level of ["TOP_SECRET", "SECRET", "CONFIDENTIAL", "WORK_SECRET", "COMMERCIAL_SECRET", "PERSONAL_DATA", "UNCLASSIFIED"]) {
          expect(classificationLabel(t(lng), level, j)).not.toContain("classification.");
        }
      }
    }
  });
});
