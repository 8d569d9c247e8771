// Self-test of the table check of a11y_check.js (narrow_tables.js): small
// pages with the portal's stylesheet at 360 px, each with the findings it
// must (or must not) produce. Exits 1 when the check misses a defect or
// reports a readable table.
//
//   node tests/tools/narrow_tables_selftest.js
const fs = require("fs");
const path = require("path");
const tools = path.join(__dirname, "..", "..", ".tools", "node_modules");
const { chromium } = require(path.join(tools, "playwright-core"));
const { tableFindings } = require("./narrow_tables.js");

const css = fs.readFileSync(path.join(__dirname, "..", "..", "static", "gremium.css"), "utf8");
const head = `<thead><tr><th scope="col">Kommune</th><th scope="col">Verbund</th><th scope="col">Rechenanteil</th><th scope="col">vereinbart</th><th scope="col">Anmerkung</th></tr></thead>`;
const row = (labels) =>
  `<tr><th scope="row">Stadt Kamen</th>${["Mittelkreis", "0,85", "1,0", "0,85 rechnerisch, allein nur 0,5 förderfähig"]
    .map((v, i) => (labels[i] === null ? `<td>${v}</td>` : `<td data-label="${labels[i]}">${v}</td>`))
    .join("")}</tr>`;
const good = ["Verbund", "Rechenanteil", "vereinbart", "Anmerkung"];

const cases = [
  {
    name: "gestapelte Tabelle mit allen Spaltenköpfen",
    html: `<table class="data allocations">${head}<tbody>${row(good)}</tbody></table>`,
    expect: [],
  },
  {
    name: "Meldungszeile über alle Spalten und leere Zelle",
    html: `<table class="data">${head}<tbody><tr><td colspan="5">Keine Zuteilungen.</td></tr><tr><th scope="row">Bönen</th><td></td><td data-label="Rechenanteil">0,37</td><td data-label="vereinbart">0,5</td><td data-label="Anmerkung">geschätzt</td></tr></tbody></table>`,
    expect: [],
  },
  {
    name: "Datenzelle ohne data-label",
    html: `<table class="list">${head}<tbody>${row(["Verbund", null, "vereinbart", "Anmerkung"])}</tbody></table>`,
    expect: ["data-label fehlt"],
  },
  {
    name: "Eingabefeld ohne data-label",
    html: `<table class="data">${head}<tbody><tr><th scope="row">Kamen</th><td data-label="Verbund">x</td><td><input aria-label="Rechenanteil" size="5"></td><td data-label="vereinbart">1,0</td><td data-label="Anmerkung">y</td></tr></tbody></table>`,
    expect: ["data-label fehlt"],
  },
  {
    name: "data-label, das kein Spaltenkopf ist",
    html: `<table class="list">${head}<tbody>${row(["Verbund", "Anteil", "vereinbart", "Anmerkung"])}</tbody></table>`,
    expect: ["keinen solchen Spaltenkopf"],
  },
  {
    name: "breite Tabelle in waagerecht scrollendem Container (nur Namen sichtbar)",
    html: `<div class="scroll"><table class="allocations">${head}<tbody>${row(good)}${row(good)}</tbody></table></div>`,
    expect: ["außerhalb der Bildschirmbreite"],
  },
  {
    name: "abgeschnittener Zellinhalt",
    html: `<table class="tally-table" style="table-layout:fixed"><thead><tr><th scope="col">Ja</th><th scope="col">Nein</th></tr></thead><tbody><tr><td><span style="display:inline-block;width:500px">Sehr breiter Inhalt</span></td><td>0</td></tr></tbody></table>`,
    expect: ["breiter als die Zelle"],
  },
];

(async () => {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
  });
  const page = await browser.newPage({ viewport: { width: 360, height: 780 } });
  let failed = 0;
  for (const c of cases) {
    await page.setContent(`<!doctype html><html lang="de"><head><meta name="viewport" content="width=device-width"><style>${css}</style></head><body><main class="wrap">${c.html}</main></body></html>`);
    const found = await page.evaluate(tableFindings);
    const ok = c.expect.length === 0 ? found.length === 0 : c.expect.every((e) => found.some((f) => f.includes(e)));
    console.log(`${ok ? "ok    " : "FEHLER"} ${c.name}${ok ? "" : `: erwartet ${JSON.stringify(c.expect)}, gefunden ${JSON.stringify(found)}`}`);
    if (!ok) failed++;
  }
  await browser.close();
  process.exit(failed ? 1 : 0);
})().catch((e) => {
  console.error(e);
  process.exit(2);
});
