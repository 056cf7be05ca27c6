// End-to-end test of the web UI in Debian's Chromium, driven by playwright-core
// against a running Leaktrail (started by the Go test that runs this script).
// Environment: LEAKTRAIL_URL, LEAKTRAIL_E2E_USER, LEAKTRAIL_E2E_PASSWORD, and
// SCREENSHOTS (a folder for the screenshots of the main screens).
import { createHash } from "node:crypto";
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const url = process.env.LEAKTRAIL_URL;
const user = process.env.LEAKTRAIL_E2E_USER;
const password = process.env.LEAKTRAIL_E2E_PASSWORD;
const shots = process.env.SCREENSHOTS;
mkdirSync(shots, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
const problems = [];
const step = async (name, fn) => {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (err) {
    problems.push(`${name}: ${err.message.split("\n")[0]}`);
    console.log(`FAIL ${name}: ${err.message.split("\n")[0]}`);
  }
};

for (const [viewport, suffix] of [[{ width: 1280, height: 860 }, ""], [{ width: 360, height: 740 }, "-phone"]]) {
  const context = await browser.newContext({ locale: "zh-CN", viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console error${suffix}: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`page error${suffix}: ${e.message}`));

  await step(`sign in${suffix}`, async () => {
    await page.goto(url);
    await page.getByLabel("用户名").fill(user);
    await page.getByLabel("密码").fill(password);
    await page.screenshot({ path: join(shots, `login${suffix}.png`) });
    await page.getByRole("button", { name: /登\s*录/ }).click();
    await page.getByRole("heading", { name: "事件" }).waitFor();
  });

  await step(`a responder reports a leak and lands on the incident${suffix}`, async () => {
    const started = Date.now();
    await page.getByRole("button", { name: "报告泄密" }).click();
    await page.getByLabel("泄露内容").fill("机密级通知的翻拍照片");
    await page.getByLabel("发现地点").fill("民政工作群（微信）");
    await page.getByLabel("报告人").fill("值班室");
    await page.waitForTimeout(400); // the form's opening animation
    await page.screenshot({ path: join(shots, `report-a-leak${suffix}.png`) });
    await page.getByRole("button", { name: /立\s*案/ }).click();
    await page.waitForURL(/\/incidents\/LT-\d{4}-\d{4}/);
    await page.getByRole("heading", { name: "机密级通知的翻拍照片" }).waitFor();
    await page.getByText("离开「发现」所需").waitFor();
    await page.locator(".ant-modal-wrap").waitFor({ state: "hidden" }); // the form's closing animation
    console.log(`     reported in ${((Date.now() - started) / 1000).toFixed(1)} s of automation`);
    await page.screenshot({ path: join(shots, `incident${suffix}.png`), fullPage: true });
  });

  await step(`evidence upload shows its hash${suffix}`, async () => {
    const photo = Buffer.from(`群聊截图（模拟）${suffix} ${Date.now()}`);
    const want = createHash("sha256").update(photo).digest("hex");
    await page.locator("#evidence input[type=file]").setInputFiles({ name: "群聊截图.txt", mimeType: "text/plain", buffer: photo });
    const shown = await page.locator("[data-sha256]").first().textContent({ timeout: 30000 });
    if (!shown.includes(want)) throw new Error(`the page shows ${shown}, the file's SHA-256 is ${want}`);
    await page.getByRole("cell", { name: /群聊截图\.txt/ }).first().waitFor();
    await page.locator("#evidence").screenshot({ path: join(shots, `evidence${suffix}.png`) });
  });

  await step(`the gate lets the case advance${suffix}`, async () => {
    await page.getByRole("button", { name: "推进到「初步处置」" }).click();
    await page.getByText("离开「初步处置」所需").waitFor();
    await page.getByText("已采取控制措施（撤回、要求删除、隔离）").waitFor();
  });

  // The language switch is an antd Select: open it by its label, pick the option shown.
  const chooseLanguage = async (label, option) => {
    await page.locator(".ant-select", { has: page.getByRole("combobox", { name: label }) }).click();
    await page.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option", { hasText: option }).click();
    await page.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden)").waitFor({ state: "detached" });
  };
  await step(`the language switch changes the page${suffix}`, async () => {
    await chooseLanguage("语言", "English");
    await page.getByRole("button", { name: "Report a leak" }).waitFor();
    await page.getByText("To leave Initial response").waitFor();
    await page.screenshot({ path: join(shots, `incident-en${suffix}.png`), fullPage: true });
    await chooseLanguage("Language", "繁體中文");
    await page.getByRole("button", { name: "通報洩密" }).waitFor();
    await page.screenshot({ path: join(shots, `incident-zh-TW${suffix}.png`), fullPage: true });
    await chooseLanguage("語言", "简体中文");
    await page.getByRole("button", { name: "报告泄密" }).waitFor();
  });

  await step(`the list shows the case${suffix}`, async () => {
    await page.getByRole("link", { name: "事件" }).first().click();
    await page.getByRole("cell", { name: "机密级通知的翻拍照片" }).first().waitFor();
    await page.screenshot({ path: join(shots, `incidents${suffix}.png`) });
  });
  await context.close();
}
await browser.close();
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
