// Legal clocks and notifications, in Debian's Chromium driven by
// playwright-core against a running Leaktrail (started by TestUINotify in
// cmd/leaktrail, with mail to a Mailpit and a webhook receiver): an
// administrator adds a GENERIC webhook endpoint and sends it a test; a
// responder gives their e-mail address in the notification settings, opens a
// SECRET case whose 24-hour report-upward clock runs out twenty seconds later,
// watches its countdown turn overdue and the bell's count rise without a
// reload, and finds the overdue notice under the bell; then the same screens
// on a phone. It prints "reference: <case>" for the Go test's checks of the
// e-mail and the webhook.
// Environment: LEAKTRAIL_URL, LEAKTRAIL_E2E_USER (a responder),
// LEAKTRAIL_E2E_ADMIN, LEAKTRAIL_E2E_LEADER, LEAKTRAIL_E2E_PASSWORD (all
// three's), LEAKTRAIL_E2E_EMAIL, LEAKTRAIL_E2E_HOOK_URL,
// LEAKTRAIL_E2E_HOOK_SECRET, LEAKTRAIL_E2E_TITLE, LEAKTRAIL_E2E_ITEM,
// LEAKTRAIL_E2E_SUMMARY (the case's content) and SCREENSHOTS.
import { chromium } from "playwright-core";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const env = (k) => {
  if (!process.env[k]) throw new Error(`${k} is not set`);
  return process.env[k];
};
const url = env("LEAKTRAIL_URL");
const password = env("LEAKTRAIL_E2E_PASSWORD");
const responder = env("LEAKTRAIL_E2E_USER"), admin = env("LEAKTRAIL_E2E_ADMIN"), leader = env("LEAKTRAIL_E2E_LEADER");
const email = env("LEAKTRAIL_E2E_EMAIL");
const shots = env("SCREENSHOTS");
mkdirSync(shots, { recursive: true });
const caseZone = "Asia/Shanghai";

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
    await current?.screenshot({ path: join(shots, `failed-notify-${name.replace(/\W+/g, "-")}.png`), fullPage: true }).catch(() => {});
    console.log(`FAIL ${name}: ${err.message.split("\n")[0]}`);
  }
};

const shot = async (page, name, options = {}) => {
  await page.locator(".ant-message-notice").first().waitFor({ state: "detached", timeout: 10000 }).catch(() => {});
  await page.locator(".ant-spin-blur").first().waitFor({ state: "detached", timeout: 10000 }).catch(() => {});
  await page.waitForTimeout(400);
  if (options.fullPage) {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(200);
  }
  await page.screenshot({ path: join(shots, `${name}.png`), ...options });
};

// The same checks as run.mjs: no serious accessibility violation, and nothing wider than the screen.
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const accessible = async (page, screen) => {
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

// typeToChoose types an option's text into a searchable Select and picks it.
const typeToChoose = async (page, field, option) => {
  const open = page.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden)");
  for (let attempt = 1; ; attempt++) {
    await field.fill(option);
    await open.locator(`.ant-select-item-option[title="${option}"]`).click();
    try {
      await open.waitFor({ state: "detached", timeout: 5000 });
      return;
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
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

const signIn = async (page, user) => {
  await page.goto(url);
  await page.getByLabel("用户名").fill(user);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: /登\s*录/ }).click();
  await page.getByRole("heading", { name: "事件" }).waitFor();
};

// unread is the count the bell says.
const bell = (page) => page.getByTestId("notice-bell");
const unread = async (page) => Number((await bell(page).getAttribute("aria-label")).match(/(\d+)/)[1]);

// ---- desktop: the administrator's webhook ----
const adminPage = await newPage({ width: 1280, height: 900 }, " (admin)");
const hookName = "保密办值班系统";
await step("an administrator adds a webhook endpoint and tests it", async () => {
  const page = adminPage;
  await signIn(page, admin);
  await page.getByRole("link", { name: "系统管理" }).click();
  await page.getByRole("button", { name: "新建端点" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("名称").fill(hookName);
  await dialog.getByText("JSON 正文，以密钥作 HMAC-SHA256 签名").waitFor(); // GENERIC's hint
  await dialog.getByLabel("地址").fill(env("LEAKTRAIL_E2E_HOOK_URL"));
  await dialog.getByLabel("密钥").fill(env("LEAKTRAIL_E2E_HOOK_SECRET"));
  for (const kind of ["阶段变更", "时限剩余 25%"]) await dialog.getByLabel(kind).check();
  for (const kind of ["时限剩余 10%", "时限逾期"]) if (!(await dialog.getByLabel(kind).isChecked())) throw new Error(`${kind} is not checked by default`);
  // The case is the responder's: the endpoint hears of it with their need-to-know.
  await typeToChoose(page, dialog.getByLabel("代表用户"), "值班员");
  await shot(page, "notify-webhook-form");
  await dialog.getByRole("button", { name: /保\s*存/ }).click();
  await dialog.waitFor({ state: "hidden" });
  const row = page.locator("tr.ant-table-row", { has: page.getByText(hookName, { exact: true }) });
  await row.getByText("值班员").waitFor();
  await row.getByRole("button", { name: "发送测试" }).click();
  const result = page.getByTestId("webhook-test-result");
  await result.waitFor();
  const said = await result.textContent();
  if (!said.includes("已送达")) throw new Error(`the test says "${said}"`);
  await shot(page, "notify-admin-webhooks", { fullPage: true });
  await accessible(page, "admin webhooks");
  await row.getByRole("button", { name: "推送记录" }).click();
  const log = page.locator(".ant-drawer-content");
  await log.locator("tr.ant-table-row", { hasText: "测试" }).getByText("已送达").waitFor();
  await shot(page, "notify-webhook-log");
  await accessible(page, "webhook deliveries");
  await page.keyboard.press("Escape");
});
await adminPage.context().close();

// ---- desktop: the responder ----
const page = await newPage({ width: 1280, height: 900 }, "");
let reference = "";
await step("the responder gives an e-mail address for notifications", async () => {
  await signIn(page, responder);
  await bell(page).click();
  await page.getByRole("link", { name: "通知设置" }).click();
  await page.getByRole("heading", { name: "通知设置" }).waitFor();
  // Nothing chosen yet: every kind follows the role's defaults, overdue clocks by e-mail too.
  if (!(await page.getByRole("checkbox", { name: "时限逾期 · 邮件" }).isChecked())) throw new Error("overdue clocks are not e-mailed by default");
  await page.getByLabel("接收通知的邮箱").fill(email);
  await page.getByRole("button", { name: /保\s*存/ }).click();
  await page.getByText("通知设置已保存").waitFor();
  await shot(page, "notify-settings", { fullPage: true });
  await accessible(page, "notification settings");
});

await step("a SECRET case whose report-upward clock runs out in twenty seconds", async () => {
  // Opened over the API from the signed-in page, so the clock starts now
  // (reporting a leak through the form is TestUIEndToEnd's).
  const opened = await page.evaluate(async (input) => {
    const key = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
    const r = await fetch("/graphql", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-Leaktrail-CSRF": "1", "Idempotency-Key": key },
      body: JSON.stringify({ query: "mutation Open($input: OpenIncidentInput!) { openIncident(input: $input) { reference } }",
        variables: { input: { ...input, detectedAt: new Date(Date.now() - (24 * 3600 - 20) * 1000).toISOString() } } }),
    });
    return r.json();
  }, { title: env("LEAKTRAIL_E2E_TITLE"), leakedItem: env("LEAKTRAIL_E2E_ITEM"), summary: env("LEAKTRAIL_E2E_SUMMARY"),
    classification: "SECRET", detectionMethod: "COLLEAGUE_REPORT", reportedBy: "办公室", timeZone: caseZone });
  reference = opened.data?.openIncident?.reference;
  if (!reference) throw new Error(`openIncident: ${JSON.stringify(opened.errors)}`);
  console.log(`reference: ${reference}`);
  await page.goto(new URL(`/incidents/${reference}`, url).href);
  const clock = page.locator('#clocks [data-clock="report_upward"]');
  await clock.getByTestId("clock-countdown").waitFor();
  const running = await clock.getByTestId("clock-status").textContent();
  const left = await clock.getByTestId("clock-countdown").textContent();
  if (running !== "计时中" || !/^剩余 \d+ 秒$/.test(left)) throw new Error(`the clock reads ${running} ${left}, not a countdown of seconds`);
  if (!(await page.getByTestId("report-clock").textContent()).startsWith("向上报告：剩余")) throw new Error("the header does not follow the report-upward clock");
  await shot(page, "notify-case-clock-running");
  await accessible(page, "case clocks");
});

let before = 0;
await step("the clock runs out: the countdown turns overdue, the bell's count rises", async () => {
  before = await unread(page);
  const clock = page.locator('#clocks [data-clock="report_upward"]');
  await clock.getByTestId("clock-status").getByText("已逾期").waitFor({ timeout: 60000 });
  await clock.getByTestId("clock-countdown").getByText(/^逾期/).waitFor();
  await page.getByTestId("report-clock").getByText(/逾期/).waitFor();
  // The watcher raises the overdue event within its interval; the bell hears of it over the websocket.
  await page.waitForFunction((n) => {
    const label = document.querySelector("[data-testid=notice-bell]")?.getAttribute("aria-label") ?? "";
    return Number(label.match(/(\d+)/)?.[1] ?? 0) > n;
  }, before, { timeout: 60000 });
  await bell(page).click();
  const overdue = page.locator(".lt-notices-pop [data-notice=CLOCK_OVERDUE]", { hasText: "「向上报告」" });
  await overdue.waitFor({ timeout: 60000 });
  const text = await overdue.textContent();
  if (!text.includes(reference) || !text.includes("「向上报告」已逾期")) throw new Error(`the overdue notice reads "${text}"`);
  await shot(page, "notify-bell");
  await accessible(page, "notification bell");
  await page.keyboard.press("Escape");
  await shot(page, "notify-case-clock-overdue", { fullPage: true });
});

await step("the responder issues the written report upward; its clock stops, late", async () => {
  const card = page.locator("#issued-reports");
  await card.scrollIntoViewIfNeeded();
  await card.getByTestId("issue-report").click();
  await card.getByText("出具后不可撤回").waitFor();
  await card.getByTestId("issue-report-confirm").click();
  await card.getByTestId("issued-list").getByText("泄密事件报告").waitFor();
  const written = page.locator('#clocks [data-clock="written_report"]').getByTestId("clock-status");
  await written.getByText("逾期完成").waitFor({ timeout: 30000 });
  await card.scrollIntoViewIfNeeded();
  await shot(page, "notify-issued-report");
  await accessible(page, "issued reports");
});

await step("the incident list shows the clock due first, overdue in red", async () => {
  await page.goto(url);
  const row = page.locator("tr.ant-table-row", { has: page.getByRole("link", { name: reference }) });
  const next = row.getByTestId("next-clock");
  await next.getByText(/向上报告：逾期/).waitFor();
  if (!(await next.getAttribute("class")).includes("danger")) throw new Error("the overdue clock is not red");
  await shot(page, "notify-incidents");
  await accessible(page, "incident list with clocks");
});

await step("marking every notice read empties the count", async () => {
  await page.goto(new URL("/notifications", url).href);
  await page.locator("[data-notice=CLOCK_OVERDUE]").first().waitFor();
  await page.getByRole("button", { name: "全部标为已读" }).click();
  await page.waitForFunction(() => /（0 条未读）/.test(document.querySelector("[data-testid=notice-bell]")?.getAttribute("aria-label") ?? ""));
});

// ---- phone ----
const phone = await newPage({ width: 360, height: 740 }, "-phone");
await step("on a phone: the notifications page, the settings and the case's clocks", async () => {
  await signIn(phone, responder);
  await bell(phone).click();
  await phone.getByRole("heading", { name: "通知" }).waitFor();
  const overdue = phone.locator("[data-notice=CLOCK_OVERDUE]").first();
  await overdue.waitFor();
  await shot(phone, "notify-notifications-phone", { fullPage: true });
  await accessible(phone, "notifications page (phone)");
  await overdue.getByRole("link").click();
  await phone.locator('#clocks [data-clock="report_upward"]').getByTestId("clock-status").getByText("已逾期").waitFor();
  await phone.locator("#clocks").scrollIntoViewIfNeeded();
  await shot(phone, "notify-case-clocks-phone");
  await accessible(phone, "case clocks (phone)");
  await phone.goto(new URL("/settings/notifications", url).href);
  await phone.getByLabel("接收通知的邮箱").and(phone.locator(`[value="${email}"]`)).waitFor();
  await shot(phone, "notify-settings-phone", { fullPage: true });
  await accessible(phone, "notification settings (phone)");
  await phone.goto(url);
  await phone.getByTestId("next-clock").first().waitFor();
  await shot(phone, "notify-incidents-phone");
  await accessible(phone, "incident list (phone)");
});
await phone.context().close();

const chief = await newPage({ width: 360, height: 740 }, " (leadership, phone)");
await step("on a phone: the clocks' met rates on the leadership page", async () => {
  await signIn(chief, leader);
  await chief.goto(new URL("/leadership", url).href);
  const rates = chief.locator(".ant-card", { has: chief.getByText("法定时限按时率", { exact: true }) });
  await rates.getByRole("cell", { name: "向上报告" }).waitFor();
  await rates.scrollIntoViewIfNeeded();
  await shot(chief, "notify-clock-rates-phone");
  await accessible(chief, "leadership clock rates (phone)");
});

const adminPhone = await newPage({ width: 360, height: 740 }, " (admin, phone)");
await step("on a phone: the webhook endpoints", async () => {
  await signIn(adminPhone, admin);
  await adminPhone.goto(new URL("/admin", url).href);
  const card = adminPhone.locator(".ant-card", { has: adminPhone.getByText("Webhook 端点", { exact: true }) });
  await card.getByText(hookName).waitFor();
  await card.scrollIntoViewIfNeeded();
  await shot(adminPhone, "notify-admin-webhooks-phone");
  await accessible(adminPhone, "admin webhooks (phone)");
});

await browser.close();
if (problems.length > 0) {
  console.log(`\n${problems.length} problem(s):\n- ${problems.join("\n- ")}`);
  process.exit(1);
}
console.log("clocks and notifications in the browser: all steps passed");
