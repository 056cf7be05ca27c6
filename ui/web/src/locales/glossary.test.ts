import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import en from "./en.json";
import zhCN from "./zh-CN.json";
import zhTW from "./zh-TW.json";

// docs/glossary.md is the one source: its tables are read here, so the page people read and the
// rule the catalogs are held to cannot drift apart.
const langs = ["zh-CN", "zh-TW", "en"] as const;
type Lang = (typeof langs)[number];
type Catalog = { [key: string]: string | Catalog };
type Concept = { id: string; term: Record<Lang, string>; avoid: Record<Lang, string[]>; keys: string[] };

const catalogs: Record<Lang, Catalog> = { "zh-CN": zhCN, "zh-TW": zhTW, en };

function flatten(c: Catalog, prefix = ""): [string, string][] {
  return Object.entries(c).flatMap(([k, v]) => (typeof v === "string" ? [[prefix + k, v] as [string, string]] : flatten(v, `${prefix}${k}.`)));
}

const none = (cell: string) => cell === "" || cell === "—";
const list = (cell: string) => (none(cell) ? [] : cell.split("、").map((s) => s.trim()).filter(Boolean));
const unquote = (cell: string) => cell.replace(/`/g, "").trim();

export function parseGlossary(md: string): Concept[] {
  const out: Concept[] = [];
  let columns: string[] | null = null;
  for (const line of md.split("\n")) {
    if (!line.startsWith("|")) {
      columns = null;
      continue;
    }
    const cells = line.slice(1, line.trimEnd().endsWith("|") ? line.trimEnd().length - 1 : undefined).split("|").map((c) => unquote(c));
    if (!columns) {
      columns = cells;
      continue;
    }
    if (cells.every((c) => /^:?-+:?$/.test(c))) continue;
    if (columns[0] !== "id") continue;
    const col = (name: string) => cells[columns!.indexOf(name)] ?? "";
    const term = {} as Record<Lang, string>;
    const avoid = {} as Record<Lang, string[]>;
    for (const l of langs) {
      term[l] = col(l);
      avoid[l] = list(col(`not ${l}`));
    }
    out.push({ id: col("id"), term, avoid, keys: list(col("catalog keys")).map((k) => k.replace(/,/g, "")) });
  }
  return out;
}

// A forbidden variant is allowed only inside a longer preferred term that covers it, e.g. 通報批評
// (an outcome) holds 通報 yet is not a use of 通報 for reporting.
function covered(value: string, at: number, len: number, preferred: string[]): boolean {
  return preferred.some((p) => {
    if (p.length <= len) return false;
    for (let j = value.indexOf(p); j >= 0; j = value.indexOf(p, j + 1)) if (j <= at && j + p.length >= at + len) return true;
    return false;
  });
}

function occurrences(value: string, variant: string, lang: Lang): number[] {
  const found: number[] = [];
  if (lang === "en") {
    const re = new RegExp(`\\b${variant.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`, "gi");
    for (const m of value.matchAll(re)) found.push(m.index ?? 0);
  } else {
    for (let i = value.indexOf(variant); i >= 0; i = value.indexOf(variant, i + 1)) found.push(i);
  }
  return found;
}

export function violations(concepts: Concept[], lang: Lang, catalog: Catalog): string[] {
  const preferred = concepts.map((c) => c.term[lang]).filter((t) => !none(t));
  const cmp = (s: string) => (lang === "en" ? s.toLowerCase() : s);
  const out: string[] = [];
  for (const [key, value] of flatten(catalog)) {
    const text = cmp(value);
    for (const c of concepts) {
      for (const v of c.avoid[lang]) {
        for (const at of occurrences(value, v, lang)) {
          if (!covered(text, at, v.length, preferred.map(cmp))) out.push(`${lang} ${key} = "${value}": "${v}" is ruled out (${c.id}: "${c.term[lang]}")`);
        }
      }
    }
  }
  return out;
}

const concepts = parseGlossary(readFileSync(join(__dirname, "../../../../docs/glossary.md"), "utf8"));

describe("glossary", () => {
  it("is read from docs/glossary.md: one term per concept per language", () => {
    expect(concepts.length).toBeGreaterThan(40);
    const ids = concepts.map((c) => c.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    for (const c of concepts) for (const l of langs) expect(c.term[l], `${c.id} ${l}`).not.toMatch(/^$|、/);
  });
  it("never forbids a term another concept prefers", () => {
    const clashes = langs.flatMap((l) =>
      concepts.flatMap((c) => c.avoid[l].filter((v) => concepts.some((o) => o.term[l] === v)).map((v) => `${l} ${c.id}: ${v}`)),
    );
    expect(clashes).toEqual([]);
  });
  it.each(langs)("the %s catalog uses no variant the glossary rules out", (lang) => {
    expect(violations(concepts, lang, catalogs[lang])).toEqual([]);
  });
  it.each(langs)("the %s catalog words the glossary's keyed concepts exactly", (lang) => {
    const values = new Map(flatten(catalogs[lang]));
    // English labels start with a capital where they stand alone; the glossary writes terms in lower case.
    const same = (a: string | undefined, b: string) => (lang === "en" ? a?.toLowerCase() === b.toLowerCase() : a === b);
    const wrong = concepts.flatMap((c) => c.keys.filter((k) => !same(values.get(k), c.term[lang])).map((k) => `${k} = "${values.get(k)}", glossary ${c.id}: "${c.term[lang]}"`));
    expect(wrong).toEqual([]);
  });
  it("catches a forbidden variant, naming key and value", () => {
    const probe = parseGlossary("| id | zh-CN | zh-TW | en | not zh-CN | not zh-TW | not en | catalog keys | seeds |\n|---|---|---|---|---|---|---|---|---|\n| forward | 转发 | 轉傳 | forward | 转传 | 轉發 | share | | 002 |\n| circ | 通报批评 | 通報批評 | circulated criticism | — | — | — | | 001 |\n| disclosure | 信息披露 | 資訊揭露 | Disclosure | 通报 | 通報 | — | | 003 |\n");
    expect(violations(probe, "zh-TW", { a: { b: "已記錄轉發" }, c: "通報批評", d: "通報" })).toEqual([
      'zh-TW a.b = "已記錄轉發": "轉發" is ruled out (forward: "轉傳")',
      'zh-TW d = "通報": "通報" is ruled out (disclosure: "資訊揭露")',
    ]);
    expect(violations(probe, "en", { x: "Share it", y: "Shared" })).toEqual(['en x = "Share it": "share" is ruled out (forward: "forward")']);
  });
});
