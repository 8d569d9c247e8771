// The main journeys in a real browser (Debian's chromium driven by
// playwright-core), with screenshots of the main pages at desktop and
// phone width for people to look at:
//   1. a citizen finds a past meeting and reads its public minutes;
//   2. a clerk signs in, writes a paper, builds an agenda and records a
//      deferral;
//   3. a visitor orders a committee's dates by e-mail.
//
//   node journeys.js BASE_URL CLERK_EMAIL PASSWORD SCREENSHOT_DIR
const fs = require("fs");
const path = require("path");
const tools = path.join(__dirname, "..", "..", ".tools", "node_modules");
const { chromium } = require(path.join(tools, "playwright-core"));

const [base, email, password, shots] = process.argv.slice(2);
fs.mkdirSync(shots, { recursive: true });

function check(cond, what) {
  if (!cond) throw new Error("Journey fehlgeschlagen: " + what);
  console.log("  ok: " + what);
}

async function shot(page, name) {
  for (const [w, h, label] of [[1280, 900, "desktop"], [360, 780, "telefon"]]) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: path.join(shots, `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function citizen(browser) {
  console.log("Journey 1: Bürgerin liest eine öffentliche Niederschrift");
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(base + "/");
  await shot(page, "startseite");
  await page.click("text=Alle vergangenen Sitzungen");
  check(page.url().includes("zeitraum=vergangene"), "vergangene Sitzungen gefunden");
  const row = page.locator("li.meeting", { has: page.locator("a.minor", { hasText: "Niederschrift" }) }).first();
  const meetingHref = await row.locator("a").first().getAttribute("href");
  await row.locator("a.minor").click();
  check((await page.locator("h1").innerText()).includes("Niederschrift"), "Niederschrift geöffnet");
  const text = await page.locator("main").innerText();
  check(!/\bN \d/.test(text), "kein nichtöffentlicher TOP in der öffentlichen Niederschrift");
  await page.goto(base + meetingHref);
  await shot(page, "sitzung");
  const paper = await page.locator('main a[href^="/vorlagen/"]').first().getAttribute("href");
  await page.goto(base + paper);
  check((await page.locator("h1").count()) === 1, "Vorlage geöffnet");
  await shot(page, "vorlage");
  const committee = await page.locator('main a[href^="/gremien/"]').first().getAttribute("href");
  await page.goto(base + committee);
  await shot(page, "gremium");
  await page.close();
}

async function clerk(browser) {
  console.log("Journey 2: Sitzungsdienst baut eine Tagesordnung und vertagt einen Punkt");
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "de-DE" });
  const page = await ctx.newPage();
  await page.goto(base + "/anmelden");
  await page.fill("#email", email);
  await page.fill("#passwort", password);
  await Promise.all([page.waitForNavigation(), page.click("main form button[type=submit]")]);
  check(page.url().includes("/verwaltung"), "angemeldet");

  const title = "Radverkehrskonzept – Journey " + Date.now();
  await page.goto(base + "/verwaltung/vorlagen/neu");
  await page.fill("#f-betreff", title);
  await Promise.all([page.waitForNavigation(), page.click('form.stacked button[type=submit]')]);
  check(/\/verwaltung\/vorlagen\/\d+/.test(page.url()), "Vorlage angelegt");
  const committee = await page.$eval("#f-gremium", (s) => {
    const o = [...s.options].find((o) => /Sozial/.test(o.textContent)) || [...s.options].find((o) => o.value);
    return o.value;
  });
  await page.selectOption("#f-gremium", committee);
  await page.selectOption("#f-rolle", "entscheidung");
  await Promise.all([page.waitForNavigation(), page.locator("form", { has: page.locator("#f-gremium") }).locator("button[type=submit]").click()]);
  check((await page.locator("#beratungsfolge + table").innerText()).includes("Entscheidung"), "Beratungsfolge eingetragen");

  await page.goto(base + "/verwaltung/sitzungen/neu");
  await page.selectOption("#f-gremium", committee);
  const d = new Date(Date.now() + 21 * 86400000).toISOString().slice(0, 10);
  await page.fill("#f-datum", d);
  await page.fill("#f-beginn", "17:00");
  await Promise.all([page.waitForNavigation(), page.click('form.stacked button[type=submit]')]);
  check(/\/verwaltung\/sitzungen\/\d+/.test(page.url()), "Sitzung angelegt");
  const option = await page.$eval("#f-beratung", (s, t) => [...s.options].find((o) => o.textContent.includes(t)).value, title);
  await page.selectOption("#f-beratung", option);
  await Promise.all([page.waitForNavigation(), page.locator("form", { has: page.locator("#f-beratung") }).locator("button[type=submit]").click()]);
  check((await page.locator("main").innerText()).includes(title), "TOP auf der Tagesordnung");
  await shot(page, "verwaltung-tagesordnung");

  const top = await page.locator(`main a[href^="/verwaltung/tops/"]`, { hasText: title }).first().getAttribute("href")
    .catch(() => null) || await page.locator(`main a[href^="/verwaltung/tops/"]`).last().getAttribute("href");
  await page.goto(base + top);
  await page.selectOption("#f-ergebnis", "vertagt");
  await page.selectOption("#f-vertagung", "naechste");
  await Promise.all([page.waitForNavigation(), page.locator("form", { has: page.locator("#f-ergebnis") }).locator("button[type=submit]").first().click()]);
  check(!(await page.locator("main").innerText()).includes("Bitte prüfen"), "Ergebnis gespeichert");
  const id = top.split("/").pop();
  const pub = await browser.newPage();
  await pub.goto(base + "/tagesordnungspunkte/" + id);
  check((await pub.locator("main").innerText()).includes("Vertagt"), "öffentlich als vertagt sichtbar");
  await pub.close();
  await ctx.close();
}

async function visitor(browser) {
  console.log("Journey 3: Besucher bestellt die Termine eines Ausschusses");
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(base + "/abonnieren");
  await page.locator('input[name="gremium"]').first().check();
  await page.fill("#f-email", "journey-" + Date.now() + "@example.org");
  await Promise.all([page.waitForNavigation(), page.locator("main form button[type=submit]").click()]);
  check((await page.locator("h1").innerText()).includes("Fast geschafft"), "Bestätigungs-E-Mail angekündigt");
  await page.close();
}

(async () => {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
  });
  try {
    await citizen(browser);
    await clerk(browser);
    await visitor(browser);
  } finally {
    await browser.close();
  }
  console.log("Alle Journeys bestanden; Bildschirmfotos in " + shots);
})().catch((e) => {
  console.error(e.message || e);
  process.exit(1);
});
