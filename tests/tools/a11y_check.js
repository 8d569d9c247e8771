// Accessibility and validity check of every page: all public pages of
// /sitemap.xml and the back-office pages a clerk reaches. For each page:
//   - axe-core with the WCAG 2.1 A and AA rules (desktop width),
//   - the Nu HTML Checker (vnu-jar) on the HTML as served,
//   - at 360 px: no horizontal scrolling, controls at least 24 px high,
//     every table readable (narrow_tables.js: no cell outside the screen or
//     cut off, every data cell of a stacked table with its column header).
// Prints one table row per page and exits 1 on any finding.
//
//   node a11y_check.js BASE_URL STAFF_EMAIL PASSWORD   (an administrator reaches every page)
//
// Tools (scripts/test-tools.sh): playwright-core (driving Debian's
// chromium, no browser download), axe-core, vnu-jar (Java).
const fs = require("fs");
const os = require("os");
const path = require("path");
const { execFileSync } = require("child_process");
const tools = path.join(__dirname, "..", "..", ".tools", "node_modules");
const { chromium } = require(path.join(tools, "playwright-core"));
const axePath = path.join(tools, "axe-core", "axe.min.js");
const vnuJar = path.join(tools, "vnu-jar", "build", "dist", "vnu.jar");
const { tableFindings } = require("./narrow_tables.js");

const [base, email, password] = process.argv.slice(2);
const chromiumArgs = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"];

// back-office pages: fixed ones, and the first link of each kind found
const adminStart = [
  "/verwaltung",
  "/verwaltung/sitzungen",
  "/verwaltung/sitzungen/neu",
  "/verwaltung/vorlagen",
  "/verwaltung/vorlagen/neu",
  "/verwaltung/integrationskonzepte",
  "/verwaltung/integrationskonzepte/neu",
  "/verwaltung/foerderprogramme",
  "/verwaltung/foerderprogramme/neu",
  "/verwaltung/postausgang",
  "/verwaltung/benutzer",
  "/verwaltung/koerperschaften",
  "/verwaltung/protokoll",
  "/konto",
];
const adminPatterns = [
  /^\/verwaltung\/sitzungen\/\d+$/,
  /^\/verwaltung\/vorlagen\/\d+$/,
  /^\/verwaltung\/tops\/\d+$/,
  /^\/verwaltung\/integrationskonzepte\/\d+$/,
  /^\/verwaltung\/foerderprogramme\/\d+$/,
];

async function main() {
  const xml = await (await fetch(base + "/sitemap.xml")).text();
  const publicUrls = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) =>
    m[1].replace(/&amp;/g, "&").replace(base, "")
  );
  // the login page and an error page are pages too
  publicUrls.push("/anmelden", "/abonnieren", "/gibt-es-nicht", "/suche", "/suche?q=Integrationskonzept", "/suche?q=Integration&art=vorlage&seite=2", "/suche?q=%2A");

  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumArgs });
  const anon = await browser.newContext({ locale: "de-DE", bypassCSP: true });
  const clerk = await browser.newContext({ locale: "de-DE", bypassCSP: true });
  const login = await clerk.newPage();
  await login.goto(base + "/anmelden");
  await login.fill("#email", email);
  await login.fill("#passwort", password);
  await Promise.all([login.waitForNavigation(), login.click("main form button[type=submit]")]);
  if (!login.url().includes("/verwaltung") && !login.url().endsWith("/")) {
    throw new Error("login failed: " + login.url());
  }
  const adminUrls = [...adminStart];
  for (const start of ["/verwaltung/sitzungen", "/verwaltung/vorlagen", "/verwaltung/integrationskonzepte", "/verwaltung/foerderprogramme"]) {
    await login.goto(base + start);
    const hrefs = await login.$$eval("main a[href]", (as) => as.map((a) => a.getAttribute("href")));
    for (const re of adminPatterns) {
      const h = hrefs.find((x) => re.test(x));
      if (h && !adminUrls.includes(h)) adminUrls.push(h);
    }
  }
  for (const re of adminPatterns.filter((r) => !/tops/.test(String(r)))) {
    if (!adminUrls.some((u) => re.test(u))) throw new Error("keine Verwaltungsseite gefunden für " + re);
  }
  // a TOP editor from the meeting page
  const meeting = adminUrls.find((u) => /^\/verwaltung\/sitzungen\/\d+$/.test(u));
  if (meeting) {
    await login.goto(base + meeting);
    const top = (await login.$$eval("main a[href]", (as) => as.map((a) => a.getAttribute("href")))).find((x) =>
      /^\/verwaltung\/tops\/\d+$/.test(x)
    );
    if (!top) throw new Error("kein TOP-Editor auf " + meeting);
    adminUrls.push(top);
  }

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "a11y-"));
  const rows = [];
  const only = process.env.A11Y_ONLY; // "verwaltung" while working on the back office
  const jobs = publicUrls
    .map((u) => [u, anon])
    .concat(adminUrls.map((u) => [u, clerk]))
    .filter(([u]) => !only || u.includes(only));
  let n = 0;
  for (const [u, ctx] of jobs) {
    n++;
    const row = { url: u, axe: [], html: [], narrow: [], file: path.join(dir, `${n}.html`) };
    const resp = await ctx.request.get(base + u, { maxRedirects: 0 });
    const expected = u === "/gibt-es-nicht" ? 404 : u === "/suche?q=%2A" ? 400 : 200;
    if (resp.status() !== expected) row.html.push(`HTTP ${resp.status()} statt ${expected}`);
    fs.writeFileSync(row.file, await resp.text());
    const page = await ctx.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(base + u);
    await page.addScriptTag({ path: axePath });
    const res = await page.evaluate(async () =>
      axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })
    );
    for (const v of res.violations) {
      row.axe.push(`${v.id} (${v.nodes.length}×): ${v.help} – ${v.nodes[0] ? v.nodes[0].target.join(" ") : ""}`);
    }
    await page.setViewportSize({ width: 360, height: 780 });
    const narrow = await page.evaluate(() => {
      const out = [];
      const sw = document.documentElement.scrollWidth;
      if (sw > window.innerWidth) out.push(`waagerechtes Scrollen: ${sw}px breit`);
      const visible = (el) => {
        const b = el.getBoundingClientRect();
        const st = getComputedStyle(el);
        return b.width > 1 && b.height > 1 && st.visibility !== "hidden" && st.display !== "none" && !el.closest(".visually-hidden");
      };
      for (const el of document.querySelectorAll("button, select, textarea, input, .button, summary")) {
        if (!visible(el)) continue;
        const t = (el.getAttribute("type") || "").toLowerCase();
        if (t === "hidden") continue;
        // checkboxes and radios count with their label
        if (t === "checkbox" || t === "radio") {
          const l = el.id && document.querySelector(`label[for="${el.id}"]`);
          const b = (l || el).getBoundingClientRect();
          if (b.height < 24 && el.getBoundingClientRect().height < 24) out.push(`zu kleines Ziel: ${el.outerHTML.slice(0, 80)}`);
          continue;
        }
        const b = el.getBoundingClientRect();
        if (b.height < 24 || b.width < 24) out.push(`zu kleines Ziel (${Math.round(b.width)}×${Math.round(b.height)}): ${el.outerHTML.slice(0, 80)}`);
      }
      return out;
    });
    row.narrow = narrow.concat(await page.evaluate(tableFindings));
    await page.close();
    rows.push(row);
  }
  await browser.close();

  // the Nu HTML checker over all pages in one run
  let vnu = { messages: [] };
  try {
    const out = execFileSync("java", ["-jar", vnuJar, "--errors-only", "--format", "json", ...rows.map((r) => r.file)], {
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 64 * 1024 * 1024,
    });
    vnu = JSON.parse(out.toString() || '{"messages":[]}');
  } catch (e) {
    // vnu exits 1 when it found errors and prints the JSON on stderr
    const text = (e.stderr || "").toString() || (e.stdout || "").toString();
    try {
      vnu = JSON.parse(text);
    } catch (_) {
      console.error("vnu failed: " + text.slice(0, 500));
      process.exit(2);
    }
  }
  const unplaced = { url: "(Nu HTML Checker)", axe: [], html: [], narrow: [] };
  for (const m of vnu.messages || []) {
    if (m.type === "info") continue; // warnings are not requested; errors and failures count
    const file = decodeURIComponent((m.url || "").replace(/^file:/, ""));
    const row = rows.find((r) => path.resolve(file) === path.resolve(r.file)) || unplaced;
    row.html.push(`${m.type === "error" ? "" : m.type + ": "}Zeile ${m.lastLine || "?"}: ${m.message}`);
  }
  if (unplaced.html.length) rows.push(unplaced);

  let bad = 0;
  const w = Math.min(70, Math.max(...rows.map((r) => r.url.length)));
  console.log(`${"Seite".padEnd(w)}  axe  HTML  360px`);
  for (const r of rows) {
    const flag = (a) => (a.length ? String(a.length).padStart(4) : "  ok");
    console.log(`${r.url.slice(0, w).padEnd(w)} ${flag(r.axe)} ${flag(r.html)} ${flag(r.narrow)}`);
    for (const x of [...r.axe, ...r.html, ...r.narrow]) console.log("    " + x);
    if (r.axe.length || r.html.length || r.narrow.length) bad++;
  }
  console.log(`${rows.length} Seiten geprüft (${publicUrls.length} öffentlich, ${adminUrls.length} Verwaltung), ${bad} mit Befunden.`);
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(bad ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
