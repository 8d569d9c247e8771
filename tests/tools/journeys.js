// The main journeys in a real browser (Debian's chromium driven by
// playwright-core), with screenshots of the main pages at desktop and
// phone width for people to look at:
//   1. a citizen finds a past meeting and reads its public minutes;
//   2. a clerk signs in, writes a paper, builds an agenda and records a
//      deferral;
//   3. a visitor orders the committees' dates by e-mail, confirms with
//      the link from the mail, and later unsubscribes (page and RFC 8058
//      one-click, twice);
//   4. a visitor saves a search and confirms it with the link from the mail;
//   5. a member signs in (lands on her own page), sets up her private
//      calendar, switches notifications off and on, changes her password,
//      meets a page she may not see (signed-in header on the error page)
//      and signs out;
//   6. the administrator signs in and lands in the back office.
// Every form a visitor or member submits is submitted here, in Chromium,
// and the page after it is checked (a 403 there is what users met).
//
//   node journeys.js BASE_URL CLERK_EMAIL PASSWORD SCREENSHOT_DIR MAIL_DIR
//                    MEMBER_EMAIL ADMIN_EMAIL
const fs = require("fs");
const path = require("path");
const tools = path.join(__dirname, "..", "..", ".tools", "node_modules");
const { chromium } = require(path.join(tools, "playwright-core"));

const [base, email, password, shots, mailDir, memberEmail, adminEmail] = process.argv.slice(2);
fs.mkdirSync(shots, { recursive: true });

// The text of a mail file (.eml): quoted-printable and base64 parts decoded.
function mailText(raw) {
  const qp = Buffer.from(
    raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))),
    "latin1",
  ).toString("utf8");
  const b64 = (raw.match(/(?:^[A-Za-z0-9+/=]{40,}\r?\n)+/gm) || [])
    .map((b) => Buffer.from(b.replace(/\s/g, ""), "base64").toString("utf8"))
    .join("\n");
  return qp + "\n" + b64;
}

// Wait (up to 30 s) for a mail to `to` with a link matching `re`; the link.
async function linkInMail(to, re, seen = new Set()) {
  for (let i = 0; i < 150; i++) {
    const files = fs.existsSync(mailDir) ? fs.readdirSync(mailDir).filter((f) => f.endsWith(".eml")) : [];
    for (const f of files) {
      if (seen.has(f)) continue;
      const raw = fs.readFileSync(path.join(mailDir, f), "latin1");
      if (!raw.toLowerCase().includes(to.toLowerCase())) continue;
      const m = mailText(raw).match(re);
      if (m) {
        seen.add(f);
        return m[0];
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("Journey fehlgeschlagen: keine E-Mail an " + to + " mit " + re);
}

async function submit(page, form) {
  const [resp] = await Promise.all([page.waitForNavigation(), form.locator("button[type=submit]").first().click()]);
  return resp;
}

async function signIn(page, who, pw) {
  await page.goto(base + "/anmelden");
  await page.fill("#email", who);
  await page.fill("#passwort", pw);
  return submit(page, page.locator("main form"));
}

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
  await signIn(page, email, password);
  check(new URL(page.url()).pathname === "/verwaltung", "angemeldet, in der Verwaltung");

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

const visitorEmail = "journey-" + Date.now() + "@example.org";

async function visitor(browser) {
  console.log("Journey 3a: Besucherin bestellt die Termine aller Gremien und bestätigt per E-Mail-Link");
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(base + "/abonnieren");
  for (const box of await page.locator('input[name="gremium"]').all()) await box.check();
  await page.fill("#f-email", visitorEmail);
  await submit(page, page.locator("main form"));
  check((await page.locator("h1").innerText()).includes("Fast geschafft"), "Bestätigungs-E-Mail angekündigt");
  const confirm = await linkInMail(visitorEmail, /https?:\/\/[^\s"<>]+\/abonnieren\/bestaetigen\/[0-9a-f]{64}/);
  await page.goto(confirm);
  check((await page.locator("h1").innerText()).includes("Abonnement bestätigen"), "Bestätigungsseite geöffnet");
  const resp = await submit(page, page.locator("main form"));
  check(resp.status() === 200, "Bestätigung angenommen (HTTP " + resp.status() + ")");
  check((await page.locator("h1").innerText()).includes("Abonnement bestätigt"), "Abonnement bestätigt");
  await page.close();
}

async function visitorUnsubscribes(browser) {
  console.log("Journey 3b: Besucherin bestellt über den Link der Terminmail ab");
  const link = await linkInMail(visitorEmail, /https?:\/\/[^\s"<>]+\/abbestellen\/[0-9a-f]{64}/);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(link);
  check((await page.locator("h1").innerText()).includes("abbestellen"), "Abbestellseite geöffnet");
  const resp = await submit(page, page.locator("main form"));
  check(resp.status() === 200, "Abbestellen angenommen (HTTP " + resp.status() + ")");
  check((await page.locator("h1").innerText()) === "Abbestellt", "abbestellt");
  // the mail provider's one-click POST (RFC 8058) of the same link: calm
  const again = await page.request.post(link, { form: { "List-Unsubscribe": "One-Click" } });
  check(again.status() === 200 && (await again.text()).includes("Bereits abbestellt"), "zweiter Klick: bereits abbestellt");
  await page.close();
}

async function savedSearch(browser) {
  console.log("Journey 4: Besucher speichert eine Suche und bestätigt per E-Mail-Link");
  const who = "suche-" + Date.now() + "@example.org";
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(base + "/suche?q=Integrationskonzept");
  await page.fill("#abo-email", who);
  await submit(page, page.locator("form", { has: page.locator("#abo-email") }));
  check((await page.locator("h1").innerText()).includes("Fast geschafft"), "Bestätigung der Suche angekündigt");
  const confirm = await linkInMail(who, /https?:\/\/[^\s"<>]+\/suche\/abonnieren\/bestaetigen\/[0-9a-f]{64}/);
  await page.goto(confirm);
  const resp = await submit(page, page.locator("main form"));
  check(resp.status() === 200, "Bestätigung angenommen (HTTP " + resp.status() + ")");
  check((await page.locator("h1").innerText()).includes("Gespeicherte Suche bestätigt"), "gespeicherte Suche bestätigt");
  await page.close();
}

async function member(browser) {
  console.log("Journey 5: Ratsmitglied meldet sich an und nutzt „Mein Konto“");
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "de-DE" });
  const page = await ctx.newPage();
  await signIn(page, memberEmail, password);
  check(new URL(page.url()).pathname === "/konto", "landet auf der eigenen Seite (" + page.url() + ")");
  check((await page.locator("main").innerText()).includes("Meine nächsten Sitzungen"), "nächste Sitzungen der eigenen Gremien");
  check((await page.locator("header").innerText()).includes("Abmelden"), "Kopf zeigt die Anmeldung");
  await shot(page, "konto");

  let resp = await submit(page, page.locator('form[action="/konto/kalender"]'));
  check(resp.status() === 200, "privater Kalender eingerichtet (HTTP " + resp.status() + ")");
  const feed = await page.locator("#privat-kalender").inputValue();
  check(/\/kalender\/[0-9a-f]{64}\.ics$/.test(feed), "geheime Kalenderadresse angezeigt");
  const ics = await page.request.get(feed);
  check(ics.status() === 200 && (await ics.text()).includes("BEGIN:VCALENDAR"), "privater Kalender lädt");

  resp = await submit(page, page.locator('form[action="/konto/benachrichtigungen"]'));
  check(resp.status() === 200 && (await page.locator("main").innerText()).includes("keine Terminnachrichten"), "Terminnachrichten abbestellt");
  resp = await submit(page, page.locator('form[action="/konto/benachrichtigungen"]'));
  check(resp.status() === 200 && (await page.locator("main").innerText()).includes("Sie erhalten Nachrichten"), "Terminnachrichten wieder eingeschaltet");

  const changed = password + "-neu-2026";
  for (const [from, to] of [[password, changed], [changed, password]]) {
    await page.fill("#altes_passwort", from);
    await page.fill("#neues_passwort", to);
    await page.fill("#wiederholung", to);
    resp = await submit(page, page.locator("form", { has: page.locator("#altes_passwort") }));
    check(resp.status() === 200 && (await page.locator(".form-ok").count()) > 0, "Passwort geändert");
  }

  resp = await page.goto(base + "/verwaltung");
  check(resp.status() === 403, "Verwaltung bleibt dem Sitzungsdienst vorbehalten");
  check((await page.locator("header").innerText()).includes("Abmelden"), "Fehlerseite zeigt die Anmeldung im Kopf");
  resp = await page.goto(base + "/gibt-es-nicht");
  check(resp.status() === 404 && (await page.locator("header").innerText()).includes("Abmelden"), "404-Seite zeigt die Anmeldung im Kopf");
  await page.goto(base + "/anmelden");
  check(new URL(page.url()).pathname === "/konto", "Anmeldeseite führt Angemeldete zur eigenen Seite");

  await Promise.all([page.waitForNavigation(), page.locator("header button", { hasText: "Abmelden" }).click()]);
  check((await page.locator("header").innerText()).includes("Anmelden"), "abgemeldet");
  await ctx.close();
}

async function admin(browser) {
  console.log("Journey 6: Administratorin meldet sich an");
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "de-DE" });
  const page = await ctx.newPage();
  const resp = await signIn(page, adminEmail, password);
  check(resp.status() === 200 && new URL(page.url()).pathname === "/verwaltung", "landet in der Verwaltung");
  await ctx.close();
}

(async () => {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
  });
  try {
    await citizen(browser);
    await visitor(browser);
    await clerk(browser);
    await visitorUnsubscribes(browser);
    await savedSearch(browser);
    await member(browser);
    await admin(browser);
  } finally {
    await browser.close();
  }
  console.log("Alle Journeys bestanden; Bildschirmfotos in " + shots);
})().catch((e) => {
  console.error(e.message || e);
  process.exit(1);
});
