import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import en from "./en.json";
import zhCN from "./zh-CN.json";
import zhTW from "./zh-TW.json";

type Catalog = { [key: string]: string | Catalog };

function keys(c: Catalog, prefix = ""): string[] {
  return Object.entries(c).flatMap(([k, v]) => (typeof v === "string" ? [prefix + k] : keys(v, `${prefix}${k}.`))).sort();
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === "gql" ? [] : sources(p);
    return /\.tsx?$/.test(f) && !/\.test\./.test(f) ? [p] : [];
  });
}

describe("catalogs", () => {
  it("hold the same keys in every language", () => {
    expect(keys(zhCN as Catalog)).toEqual(keys(en as Catalog));
    expect(keys(zhTW as Catalog)).toEqual(keys(en as Catalog));
  });
  it("hold every literal key the components ask for", () => {
    const all = new Set(keys(en as Catalog));
    const prefixes = new Set([...all].flatMap((k) => k.split(".").slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join("."))));
    const missing: string[] = [];
    for (const file of sources(join(__dirname, ".."))) {
      const text = readFileSync(file, "utf8");
      // t("a.b") and t(`a.${x}`): a literal key must exist; a template's fixed part must name a group.
      for (const m of text.matchAll(/\bt\((["`])([\w.]+)(\$\{)?/g)) {
        const [, , key, template] = m;
        if (template ? !prefixes.has(key.replace(/\.$/, "")) : !all.has(key)) missing.push(`${file}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
