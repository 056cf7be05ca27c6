// Measures the spread explorer on a large incident, in Debian's Chromium:
// how long the incident page takes to draw the graph, and to highlight the
// path to a node picked from the frontier. Run by bench/ui_test.go; prints
// one JSON line of figures in milliseconds. With LEAKTRAIL_E2E_PROFILE=<folder>
// it also writes Chromium's CPU profiles of the draw and of the path
// (draw.cpuprofile, path.cpuprofile: DevTools' Performance panel opens them)
// and the page's resource timings up to the draw (draw-timing.json) and up to
// the path (path-timing.json, with the page's time of the pick).
import { writeFileSync } from "node:fs";
import { chromium } from "playwright-core";

const url = process.env.LEAKTRAIL_URL;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
const page = await (await browser.newContext({ locale: "zh-CN", viewport: { width: 1280, height: 900 } })).newPage();
page.setDefaultTimeout(120000);
await page.goto(url);
await page.getByLabel("用户名").fill(process.env.LEAKTRAIL_E2E_USER);
await page.getByLabel("密码").fill(process.env.LEAKTRAIL_E2E_PASSWORD);
await page.getByRole("button", { name: /登\s*录/ }).click();
await page.getByRole("heading", { name: "事件" }).waitFor();
const profile = process.env.LEAKTRAIL_E2E_PROFILE && await page.context().newCDPSession(page);
if (profile) { await profile.send("Profiler.enable"); await profile.send("Profiler.setSamplingInterval", { interval: 200 }); await profile.send("Profiler.start"); }
const started = Date.now();
await page.goto(`${url}/incidents/${process.env.REFERENCE}#spread`); // the case page opens its spread section by the address
await page.locator("[data-testid=spread-graph][data-drawn]").waitFor();
const drawn = Date.now() - started;
// The page's requests (and measures) so far, with their times from the page's start.
const timings = () => page.evaluate(() => JSON.stringify([...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource"),
  ...performance.getEntriesByType("measure")].map((e) => ({ name: e.name, start: Math.round(e.startTime), duration: Math.round(e.duration),
  size: e.transferSize, body: e.decodedBodySize, responseStart: Math.round(e.responseStart ?? 0), responseEnd: Math.round(e.responseEnd ?? 0) }))));
if (profile) {
  const { profile: p } = await profile.send("Profiler.stop");
  writeFileSync(`${process.env.LEAKTRAIL_E2E_PROFILE}/draw.cpuprofile`, JSON.stringify(p));
  writeFileSync(`${process.env.LEAKTRAIL_E2E_PROFILE}/draw-timing.json`, await timings());
  await profile.send("Profiler.start");
}
const nodes = Number(await page.getAttribute("[data-testid=spread-graph]", "data-drawn"));
// The path is timed in the page, from the press of the click to the painted frame
// that shows the highlight: what a person waits. Playwright's own checks before
// it dispatches the click (100–200 ms on a page this busy) are the robot's, and
// are printed apart (pathRobotMs).
await page.evaluate(() => {
  const graph = document.querySelector("[data-testid=spread-graph]");
  window.leaktrailPathMs = new Promise((resolve) => {
    let clickedAt;
    // The event's own time is when the input arrived, so a busy page's delay in taking it is counted.
    document.addEventListener("pointerdown", (e) => { clickedAt = e.timeStamp; }, { capture: true, once: true });
    new MutationObserver((_, watch) => {
      if (clickedAt === undefined || !graph.dataset.path || graph.dataset.path === "0") return;
      watch.disconnect();
      requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - clickedAt)));
    }).observe(graph, { attributes: true, attributeFilter: ["data-path"] });
  });
});
const pick = Date.now();
await page.getByTestId("frontier").getByRole("button").first().click();
await page.locator("[data-testid=spread-graph][data-path]:not([data-path='0'])").waitFor();
const pathRobot = Date.now() - pick;
const path = Math.round(await page.evaluate(() => window.leaktrailPathMs));
if (profile) {
  writeFileSync(`${process.env.LEAKTRAIL_E2E_PROFILE}/path.cpuprofile`, JSON.stringify((await profile.send("Profiler.stop")).profile));
  writeFileSync(`${process.env.LEAKTRAIL_E2E_PROFILE}/path-timing.json`, JSON.stringify({ pickedAt: await page.evaluate((ms) => performance.now() - (Date.now() - ms), pick),
    entries: JSON.parse(await timings()) }));
}
const zoom = Date.now();
await page.mouse.move(400, 600);
for (let i = 0; i < 5; i++) await page.mouse.wheel(0, -300);
await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
const zoomed = Date.now() - zoom;
if (process.env.SCREENSHOTS) await page.locator("#spread").screenshot({ path: `${process.env.SCREENSHOTS}/spread-10k.png` });
console.log(JSON.stringify({ nodes, drawnMs: drawn, pathMs: path, pathRobotMs: pathRobot, zoomMs: zoomed }));
await browser.close();
