// The case report as leadership downloads it from the case page: PDF,
// editable Word and Markdown, in each language, read back and checked as an
// official case document. The PDF's pages go to the screenshots as PNGs.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const catalogs = Object.fromEntries(["zh-CN", "zh-TW", "en"].map((l) =>
  [l, JSON.parse(readFileSync(new URL(`../src/locales/${l}.json`, import.meta.url), "utf8"))]));
const label = (lang, key) => key.split(".").reduce((o, k) => o?.[k], catalogs[lang]);

// Capitalised words a report may show are those its language's own labels
// use (SHA-256, UTC, MMS in English); any other is a code left untranslated.
const strings = (o) => Object.values(o).flatMap((v) => (typeof v === "string" ? [v] : strings(v)));
const capitals = /\b[A-Z][A-Z_]{2,}\b/g;
const worded = Object.fromEntries(Object.entries(catalogs).map(([l, c]) =>
  [l, new Set(strings({ ...c, reason: {} }).flatMap((s) => s.match(capitals) ?? []))]));

export async function checkReports(page, chooseOn, { sha, comment, website, classification, shots }) {
  const dir = mkdtempSync(join(tmpdir(), "leaktrail-report-"));
  for (const [option, lang] of [["繁體中文", "zh-TW"], ["English", "en"], ["简体中文", "zh-CN"]]) {
    await chooseOn(page, '[aria-label="报告语言"]', option);
    const files = {};
    for (const kind of ["pdf", "docx", "md"]) {
      const href = await page.getByTestId(`report-${kind}`).getAttribute("href");
      const got = await page.evaluate(async (href) => {
        const r = await fetch(href);
        const bytes = new Uint8Array(await r.arrayBuffer());
        let s = "";
        for (const b of bytes) s += String.fromCharCode(b);
        return { status: r.status, type: r.headers.get("Content-Type"), body: btoa(s) };
      }, href);
      if (got.status !== 200) throw new Error(`the ${lang} ${kind} report answered ${got.status}`);
      files[kind] = Buffer.from(got.body, "base64");
      writeFileSync(join(dir, `report-${lang}.${kind}`), files[kind]);
    }
    const marking = label(lang, `classification.CN.${classification}`);
    const heading = label(lang, "reportDoc.pathToPublic");
    // The PDF, page by page.
    const text = execFileSync("pdftotext", ["-layout", "-enc", "UTF-8", join(dir, `report-${lang}.pdf`), "-"]).toString();
    const pages = text.replace(/\f$/, "").split("\f");
    pages.forEach((p, i) => {
      const lines = p.split("\n").map((l) => l.trim()).filter(Boolean);
      if (!lines[0].startsWith(marking) || !lines.at(-2)?.startsWith(marking)) {
        throw new Error(`${lang} PDF page ${i + 1} is not marked ${marking} at its top and foot: ${lines[0]} … ${lines.at(-2)}`);
      }
      const number = label(lang, "reportDoc.pages").replace("{{page}}", i + 1).replace("{{pages}}", pages.length);
      if (lines.at(-1).replace(/\s/g, "") !== number.replace(/\s/g, "")) throw new Error(`${lang} PDF page ${i + 1} is numbered "${lines.at(-1)}", not "${number}"`);
    });
    const flat = text.replace(/\s/g, "");
    if (/\d{4}-\d\d-\d\dT\d\d:\d\d/.test(text)) throw new Error(`the ${lang} PDF shows a machine timestamp: ${text.match(/\S*\d{4}-\d\d-\d\dT\S*/)[0]}`);
    if (!/\d{4}-\d\d-\d\d \d\d:\d\d/.test(text) || !text.includes("Asia/Shanghai")) throw new Error(`the ${lang} PDF gives no local times in the case's zone`);
    const codes = (text.match(capitals) ?? []).filter((c) => !worded[lang].has(c));
    if (codes.length > 0) throw new Error(`the ${lang} PDF shows untranslated codes: ${[...new Set(codes)].join(", ")}`);
    const path = flat.slice(flat.indexOf(heading.replace(/\s/g, "")));
    if (!flat.includes(heading.replace(/\s/g, "")) || !path.includes(website)) throw new Error(`the ${lang} PDF lacks the path to the first public exposure (${heading} … ${website})`);
    for (const want of [label(lang, "report.signOff"), comment, sha, "10年"]) {
      if (!flat.includes(want.replace(/\s/g, ""))) throw new Error(`the ${lang} PDF lacks the sign-off's "${want}"`);
    }
    // The Word file: a zip holding the document, the header and the footer.
    const docx = files.docx.toString("latin1");
    if (!docx.startsWith("PK") || !["word/document.xml", "word/header1.xml", "word/footer1.xml"].every((p) => docx.includes(p))) {
      throw new Error(`the ${lang} DOCX is not a Word document with a header and a footer`);
    }
    // The Markdown: marked at both ends, with the sign-off.
    const md = files.md.toString("utf8").trim().split("\n");
    if (!md[0].includes(marking) || !md.at(-1).includes(marking) || !md.join("\n").includes(sha)) {
      throw new Error(`the ${lang} Markdown is not marked at both ends or lacks the snapshot's SHA-256`);
    }
    // Every page as a picture, to be looked at.
    execFileSync("pdftoppm", ["-r", "60", "-png", join(dir, `report-${lang}.pdf`), join(shots, `report-${lang}`)]);
  }
}
