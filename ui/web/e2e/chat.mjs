// From chat exports to the spread chain, in Debian's Chromium driven by
// playwright-core against a running Leaktrail (started by TestUIChat in
// cmd/leaktrail): an investigator uploads the five exports of one leak chain
// (internal/chainfixture/<chain>: their chat files, media and a zip) through
// the evidence uploader, reads each as a chat export, searches the messages,
// marks the leaked photo, reconstructs the chain, accepts it and follows an
// accepted hop to its line and back; then the messages on a phone.
// Environment: LEAKTRAIL_URL, LEAKTRAIL_E2E_USER, LEAKTRAIL_E2E_PASSWORD,
// LEAKTRAIL_E2E_CASE (a case reference), LEAKTRAIL_E2E_CHAIN (the chain's
// folder) and SCREENSHOTS.
import { chromium } from "playwright-core";
import { mkdirSync, readFileSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, join } from "node:path";

const url = process.env.LEAKTRAIL_URL;
const user = process.env.LEAKTRAIL_E2E_USER;
const password = process.env.LEAKTRAIL_E2E_PASSWORD;
const reference = process.env.LEAKTRAIL_E2E_CASE;
const chain = process.env.LEAKTRAIL_E2E_CHAIN;
const shots = process.env.SCREENSHOTS;
mkdirSync(shots, { recursive: true });
const manifest = JSON.parse(readFileSync(join(chain, "manifest.json"), "utf8"));
const caseZone = "Asia/Shanghai";
// Reads and reconstruction are background jobs: on a 2-core machine under -race they take a while.
const jobWait = 240_000;

// The formats as the read dialog and the evidence list word them (zh-CN).
const formatLabel = JSON.parse(readFileSync(new URL("../src/locales/zh-CN.json", import.meta.url), "utf8")).chat.format;

const files = (dir) => readdirSync(dir).flatMap((f) => {
  const p = join(dir, f);
  return statSync(p).isDirectory() ? files(p) : [p];
});
// An export arrives as the tool wrote it: its folder (the chat file and the
// media beside it), or one zip.
const exportsOf = manifest.exports.map((x) => {
  const folder = x.path.includes("/") ? join(chain, x.path.split("/")[0]) : undefined;
  return { ...x, chatFile: basename(x.path), upload: folder ? files(folder) : [join(chain, x.path)] };
});
const nameOf = (key) => key.slice(key.indexOf(":") + 1);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
const problems = [];
let current;
let broken = false; // the steps build on each other: after a failure the rest of the pass is skipped
const step = async (name, fn) => {
  if (broken) return console.log(`skip ${name}`);
  const started = Date.now();
  try {
    await fn();
    console.log(`ok   ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (err) {
    const said = await current?.locator(".ant-message-notice, .ant-alert-message, .ant-form-item-explain-error").allTextContents().catch(() => []) ?? [];
    problems.push(`${name}: ${err.message.split("\n").slice(0, 4).join(" | ")}${said.length ? ` | the page said: ${said.join(" / ")}` : ""}`);
    broken = true;
    await current?.screenshot({ path: join(shots, `failed-chat-${name.replace(/\W+/g, "-")}.png`), fullPage: true }).catch(() => {});
    console.log(`FAIL ${name}: ${err.message.split("\n")[0]}`);
  }
};

const shot = async (page, path, options = {}) => {
  await page.locator(".ant-message-notice").first().waitFor({ state: "detached", timeout: 10000 }).catch(() => {});
  await page.locator(".ant-spin-blur").first().waitFor({ state: "detached", timeout: 10000 }).catch(() => {});
  await page.waitForTimeout(400);
  if (options.fullPage) {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(200);
  }
  await page.screenshot({ path, ...options });
};

const openSection = async (page, id) => {
  await page.locator(`[data-section-tab="${id}"]`).first().click();
  await page.locator(`#${id}`).waitFor();
};

// The same checks as run.mjs: no serious accessibility violation, and nothing wider than the screen.
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const accessible = async (page, screen) => {
  // The pointer is left wherever the last click was, and a layout that moved
  // since may put a link under it: hovered, it is paler than axe allows.
  await page.mouse.move(0, 0);
  await page.addScriptTag({ content: axeSource });
  const found = await page.evaluate(async () => {
    const r = await window.axe.run({ exclude: [[".ant-message"]] }, { resultTypes: ["violations"] });
    return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ")}`);
  });
  if (found.length > 0) problems.push(`accessibility of ${screen}: ${found.join(" | ")}`);
  const wider = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const over = document.documentElement.scrollWidth - width;
    const dialog = [...document.querySelectorAll("[role=dialog]")].some((d) => d.getBoundingClientRect().width > 0);
    if (over <= 0 || dialog) return null;
    const out = [...document.body.querySelectorAll("*")].find((el) => el.getBoundingClientRect().right > width + 1);
    const name = (el) => `${el.tagName.toLowerCase()}${[...el.classList].map((c) => `.${c}`).join("")}`;
    return `${over} px (${out ? `${out.parentElement ? `${name(out.parentElement)} > ` : ""}${name(out)}` : "?"})`;
  });
  if (wider) problems.push(`${screen} is wider than the screen by ${wider}`);
};

// pickOption picks the option titled title in the open antd Select list.
const pickOption = async (page, title) => {
  const open = page.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden)");
  for (let attempt = 1; ; attempt++) {
    await open.locator(`.ant-select-item-option[title="${title}"]`).click();
    try {
      await open.waitFor({ state: "detached", timeout: 5000 });
      return;
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
};

const signIn = async (page) => {
  await page.goto(url);
  await page.getByLabel("用户名").fill(user);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: /登\s*录/ }).click();
  await page.getByRole("heading", { name: "事件" }).waitFor();
};

const newPage = async (viewport, suffix) => {
  const context = await browser.newContext({ locale: "zh-CN", timezoneId: caseZone, viewport });
  const page = await context.newPage();
  current = page;
  broken = false;
  page.setDefaultTimeout(90000); // a server under -race beside other packages' tests
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console error${suffix}: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`page error${suffix}: ${e.message} ${(e.stack ?? "").split("\n").slice(1, 6).join(" <- ")}`));
  return page;
};

// evidenceRow is the evidence list's row of a file.
const evidenceRow = (page, name) => page.locator("#evidence tr.ant-table-row", { has: page.getByText(name, { exact: true }) }).first();

const caseUrl = (hash) => new URL(`/incidents/${reference}#${hash}`, url).href;

// ---- desktop ----
const page = await newPage({ width: 1280, height: 900 }, "");

await step("sign in and open the case", async () => {
  await signIn(page);
  await page.goto(caseUrl("evidence"));
  await page.locator("#evidence").waitFor();
});

await step("upload the five exports with their media, and the leaked photo", async () => {
  const vault = page.locator("#evidence");
  const upload = async (from, paths) => {
    // How each person's export was obtained: from whom, how, when.
    await vault.getByLabel("从谁处获得").fill(from);
    await vault.getByLabel("获取方式").fill("当面导出，刻录光盘");
    const when = vault.getByLabel("获取时间");
    await when.click();
    await when.fill("2021-03-23 10:00:00");
    await when.press("Enter");
    await page.locator("#evidence input[type=file]").setInputFiles(paths);
    for (const p of paths) await vault.locator(`[data-upload="${basename(p)}"] [data-sha256]`).waitFor({ timeout: 60000 });
    for (const p of paths) await evidenceRow(page, basename(p)).waitFor();
  };
  for (const x of exportsOf) await upload(x.collectedFrom, x.upload);
  await upload("网信办", [join(chain, manifest.leak)]);
});

await step("read each export as a chat export and wait until it is read", async () => {
  for (const x of exportsOf) {
    const row = evidenceRow(page, x.chatFile);
    await row.getByRole("button", { name: "作为聊天记录读取" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("导出格式").waitFor();
    // The format is detected from the content; the zone is the case's unless the export was made elsewhere.
    if (x.zone !== caseZone) {
      await dialog.getByLabel("时区").fill(x.zone);
      await pickOption(page, x.zone);
    }
    if (x.path === exportsOf[0].path) {
      await page.waitForTimeout(400); // the dialog's opening animation
      await shot(page, join(shots, "chat-read-dialog.png"));
      await accessible(page, "chat-read-dialog");
    }
    await dialog.getByRole("button", { name: /读\s*取/ }).click();
    await dialog.waitFor({ state: "hidden", timeout: 60000 });
  }
  for (const x of exportsOf) {
    const row = evidenceRow(page, x.chatFile);
    await row.locator("[data-chat-import=DONE], [data-chat-import=FAILED]").waitFor({ timeout: jobWait });
    const failed = row.locator("[data-chat-import=FAILED]");
    if (await failed.count() > 0) throw new Error(`${x.chatFile} was not read: ${await failed.textContent()}`);
    const read = await row.locator("[data-chat-import=DONE]").textContent();
    if (!read.includes(formatLabel[x.format])) throw new Error(`${x.chatFile} reads "${read}": not detected as ${formatLabel[x.format]}`);
    if (!/[1-9]\d* 条消息/.test(read)) throw new Error(`${x.chatFile} reads "${read}": no messages`);
    // A zip's media files are stored as evidence items of their own.
    if (x.path.endsWith(".zip") && !read.includes("其中的媒体文件")) throw new Error(`the zip ${x.chatFile} lists no media: "${read}"`);
    if (x.zone !== caseZone && !read.includes(x.zone)) throw new Error(`${x.chatFile} was not read in ${x.zone}: "${read}"`);
  }
  await shot(page, join(shots, "chat-evidence-read.png"), { fullPage: true });
  await accessible(page, "chat-evidence-read");
});

await step("mark the leaked photo", async () => {
  await evidenceRow(page, manifest.leak).getByRole("button", { name: "标记为泄露内容" }).click();
  await page.getByText("已标记为泄露内容，正在计算特征").waitFor();
});

// nameAs names a sender or chat of the messages section as identified.
const nameAs = async (item, name) => {
  await item.getByRole("button", { name: /命\s*名/ }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("名称").fill(name);
  await dialog.getByRole("button", { name: /确\s*定|OK/ }).click();
  await dialog.waitFor({ state: "hidden", timeout: 60000 });
  // Off the button the pointer is left over: hovered, a link is paler than axe allows, and that is not how it reads.
  await page.mouse.move(0, 0);
};

await step("name the handles and chat IDs as identified", async () => {
  await openSection(page, "messages");
  const people = page.locator("#chat-people");
  // Every export is read: once the lists come, they are whole.
  await people.locator("[data-sender]").first().waitFor({ timeout: 60000 });
  await people.locator("[data-chat]").first().waitFor({ timeout: 60000 });
  // The manifest's names are what the investigator found out: whose wxid, which room.
  for (const x of exportsOf) {
    for (const [handle, name] of Object.entries(x.names ?? {})) {
      const sender = people.locator(`[data-sender~="${handle}"]`);
      if (await sender.count() > 0 && (await sender.first().locator("strong").textContent()) !== name) {
        await nameAs(sender.first(), name);
        await page.waitForFunction(([h, n]) => [...document.querySelectorAll("#chat-people [data-sender]")]
          .some((el) => el.getAttribute("data-sender").split(" ").includes(h) && el.querySelector("strong")?.textContent === n), [handle, name], { timeout: 60000 });
      }
      const chat = people.locator(`[data-chat="${handle}"]`);
      if (await chat.count() > 0) {
        await nameAs(chat.first(), name);
        await people.locator(`[data-chat="${name}"]`).first().waitFor();
      }
    }
  }
  await shot(page, join(shots, "chat-people.png"), { fullPage: true });
});

await step("search the messages for a Chinese substring, and see where one was read", async () => {
  await openSection(page, "messages");
  const section = page.locator("#messages");
  const term = "涉密文件";
  await section.getByLabel("搜索消息").fill(term);
  await section.getByRole("button", { name: /搜\s*索/ }).click();
  const list = section.locator("[data-testid=messages]");
  await page.waitForFunction((t) => {
    const items = [...document.querySelectorAll("#messages [data-testid=messages] [data-message]")];
    return items.length > 0 && items.every((el) => el.textContent.includes(t));
  }, term, { timeout: 60000 });
  const total = await section.getByTestId("message-total").textContent();
  if (!/共 [1-9]\d* 条消息/.test(total)) throw new Error(`the search reads "${total}"`);
  const first = list.locator("[data-message]").first();
  await first.getByRole("button", { name: "出处" }).click();
  const raw = first.locator("[data-source-line] pre").first();
  await raw.waitFor();
  if (!(await raw.textContent()).trim()) throw new Error("a message's raw line is empty");
  // The document's number and title too: a photo with the number painted over is still found by its words.
  const leak = page.locator("#leak-marks");
  await leak.getByLabel("标记文字").fill(manifest.text);
  await leak.getByRole("button", { name: /^标\s*记$/ }).click();
  await page.locator("[data-leak-mark=TEXT]").first().waitFor();
  // The leaked photo is marked, fingerprinted, and sighted in the exports.
  const mark = page.locator("[data-leak-mark=FILE]").first();
  await mark.waitFor();
  await page.waitForFunction(() => document.querySelector("[data-leak-mark=FILE]")?.textContent.includes("已计算图像感知哈希"), null, { timeout: jobWait })
    .catch(async () => { throw new Error(`the leak mark reads "${await mark.textContent()}"`); });
  await shot(page, join(shots, "chat-messages.png"), { fullPage: true });
  await accessible(page, "chat-messages");
});

await step("reconstruct the chain: proposals drawn dashed and explained", async () => {
  await openSection(page, "spread");
  const spread = page.locator("#spread");
  await spread.getByTestId("reconstruct").click();
  await page.getByText(/找到 \d+ 处出现，提出 \d+ 次转发/).waitFor({ timeout: jobWait });
  const proposals = spread.locator("[data-proposal=PROPOSED]");
  await page.waitForFunction((n) => document.querySelectorAll("#spread [data-proposal=PROPOSED]").length >= n, manifest.hops.length, { timeout: 60000 });
  const listed = await proposals.allTextContents();
  for (const h of manifest.hops) {
    const hop = `${nameOf(h.from)} → ${nameOf(h.to)}`;
    if (!listed.some((text) => text.includes(hop))) throw new Error(`no proposal ${hop} among: ${listed.join(" | ")}`);
  }
  // Every proposal says why, in a sentence naming its sender, with no placeholder left.
  const why = await spread.locator("[data-proposal=PROPOSED] [data-testid=proposal-explanation]").allTextContents();
  for (const w of why) {
    if (w.includes("{{") || !w.includes("于") || w.length < 12) throw new Error(`an explanation reads "${w}"`);
  }
  // Telegram's "forwarded from" gives the overseas channel's hop directly.
  if (!why.some((w) => w.includes("导出记录标明转发自"))) throw new Error(`no explanation from a forwarded-from: ${why.join(" | ")}`);
  const graph = spread.getByTestId("spread-graph");
  await page.waitForFunction((n) => Number(document.querySelector("[data-testid=spread-graph]")?.dataset.proposed ?? 0) >= n, manifest.hops.length, { timeout: 60000 });
  await spread.getByTestId("spread-legend").getByText("重建出的转发（待审核）").waitFor();
  await graph.scrollIntoViewIfNeeded();
  await shot(page, join(shots, "chat-proposals.png"), { fullPage: true });
  await accessible(page, "chat-proposals");
});

await step("accept the proposals: one with a note, the rest at once", async () => {
  const spread = page.locator("#spread");
  const before = await spread.locator("[data-proposal=PROPOSED]").count();
  await spread.locator("[data-proposal=PROPOSED]").first().getByRole("button", { name: /^接\s*受$/ }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("备注").fill("与施某的微信导出核对一致");
  await dialog.getByRole("button", { name: /^接\s*受$/ }).click();
  await dialog.waitFor({ state: "hidden", timeout: 60000 });
  await page.waitForFunction((n) => document.querySelectorAll("#spread [data-proposal=PROPOSED]").length === n - 1, before, { timeout: 60000 });
  await spread.getByLabel("最低置信度").fill("0");
  await spread.getByTestId("accept-all").click();
  await page.waitForFunction(() => document.querySelectorAll("#spread [data-proposal=PROPOSED]").length === 0, null, { timeout: jobWait });
  // Every forward of the chain now rests on lines of evidence; nothing is left dashed.
  await page.waitForFunction(() => {
    const tag = document.querySelector("[data-testid=evidenced-count]")?.textContent ?? "";
    const m = tag.match(/(\d+)\/(\d+)/);
    return m && m[1] === m[2] && Number(m[1]) > 0;
  }, null, { timeout: 60000 });
  const counted = await spread.getByTestId("evidenced-count").textContent();
  const n = Number(counted.match(/(\d+)\//)[1]);
  if (n < manifest.hops.length) throw new Error(`only ${counted} forwards, the chain has ${manifest.hops.length} hops`);
  await page.waitForFunction(() => document.querySelector("[data-testid=spread-graph]")?.dataset.proposed === "0", null, { timeout: 60000 });
});

await step("an accepted hop cites its lines: jump to one and back", async () => {
  const spread = page.locator("#spread");
  const target = nameOf(manifest.hops[1].to);
  await spread.getByRole("combobox", { name: "查找人员或场所" }).click();
  await spread.getByRole("combobox", { name: "查找人员或场所" }).fill(target);
  await page.locator(`.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option[title^="${target} · "]`).first().click();
  const panel = spread.getByTestId("node-panel");
  await panel.waitFor();
  const tags = await panel.locator("[data-evidenced]").evaluateAll((els) => els.map((el) => el.getAttribute("data-evidenced")));
  if (tags.length === 0 || tags.some((x) => x !== "1")) throw new Error(`the forwards of ${target} are marked ${tags.join(", ") || "nothing"}, not all evidenced`);
  await shot(page, join(shots, "chat-chain-accepted.png"), { fullPage: true });
  await accessible(page, "chat-chain-accepted");
  const cite = panel.locator("[data-jump-line]").first();
  const line = await cite.getAttribute("data-jump-line");
  await cite.click();
  await page.waitForURL(/[?&]line=\d+.*#messages$/);
  const at = page.locator("#messages [data-testid=at-line]");
  await at.waitFor();
  if (!(await at.textContent()).includes(`第 ${line} 行`)) throw new Error(`the viewer says "${await at.textContent()}", not line ${line}`);
  const hit = page.locator("#messages [data-at-line]");
  await hit.waitFor({ timeout: 60000 });
  await hit.locator(`[data-source-line="${line}"] pre`).first().waitFor();
  // And from the line back to the hop it proves.
  const proves = await hit.getByTestId("message-forwards").textContent();
  if (!proves.includes("→")) throw new Error(`the message at line ${line} names no forward it proves: "${proves}"`);
  await shot(page, join(shots, "chat-at-line.png"));
  await accessible(page, "chat-at-line");
  await page.locator("#messages").getByTestId("line-back").click();
  await page.waitForURL(/#spread$/);
  await page.locator("#spread").getByTestId("node-panel").waitFor();
});

// ---- phone ----
const phone = await newPage({ width: 360, height: 740 }, "-phone");

await step("the messages on a phone", async () => {
  await signIn(phone);
  await phone.goto(caseUrl("messages"));
  const section = phone.locator("#messages");
  await section.getByLabel("搜索消息").fill("通知");
  await section.getByRole("button", { name: /搜\s*索/ }).click();
  await phone.waitForFunction(() => {
    const items = [...document.querySelectorAll("#messages [data-testid=messages] [data-message]")];
    return items.length > 0 && items.every((el) => el.textContent.includes("通知"));
  }, null, { timeout: 60000 });
  const first = section.locator("[data-message]").first();
  await first.getByRole("button", { name: "出处" }).click();
  await first.locator("[data-source-line] pre").first().waitFor();
  await shot(phone, join(shots, "chat-messages-phone.png"), { fullPage: true });
  await first.scrollIntoViewIfNeeded();
  await shot(phone, join(shots, "chat-message-phone.png"));
  await accessible(phone, "chat-messages-phone");
});

await browser.close();
if (problems.length > 0) {
  console.log(`\n${problems.length} problem(s):\n- ${problems.join("\n- ")}`);
  process.exit(1);
}
console.log("chat exports in the browser: all steps passed");
