// Tables at phone width (used by a11y_check.js at 360 px, tested by
// narrow_tables_selftest.js). `tableFindings` runs inside the page and
// returns one German line per problem:
//   - a cell of a visible table lies (partly) outside the viewport, e.g. in
//     a horizontally scrolling container, where a phone user never sees it;
//   - a cell's content is wider than the cell (cut off or spilling over);
//   - a table that is stacked (its data cells shown as blocks, the header
//     row hidden) has a data cell without a visible header label: every such
//     td needs a data-label naming its column header, shown by ::before.
// Cells spanning all columns (messages such as "Keine Einträge.") and empty
// cells need no label.

function tableFindings() {
  const out = [];
  const vw = document.documentElement.clientWidth;
  const shown = (el) => {
    const b = el.getBoundingClientRect();
    const st = getComputedStyle(el);
    return b.width > 1 && b.height > 1 && st.visibility !== "hidden" && !el.closest(".visually-hidden");
  };
  const squash = (s) => (s || "").replace(/\s+/g, " ").trim();
  const name = (t) => {
    const c = t.querySelector(":scope > caption");
    const h = t.tHead ? [...t.tHead.querySelectorAll("th")].map((th) => squash(th.textContent)).join(" | ") : "";
    return squash(c ? c.textContent : "") || h || t.className || "Tabelle";
  };
  for (const table of document.querySelectorAll("table")) {
    if (!shown(table)) continue;
    const headers = table.tHead ? [...table.tHead.querySelectorAll("th")].map((th) => squash(th.textContent)) : [];
    const columns = headers.length;
    const what = `Tabelle „${name(table).slice(0, 60)}“`;
    for (const section of [...table.tBodies, table.tFoot].filter(Boolean)) {
      for (const row of section.rows) {
        for (const cell of row.cells) {
          if (!shown(cell)) continue;
          const text = squash(cell.textContent);
          const hasControl = !!cell.querySelector("input, select, textarea, button");
          const label = `Zelle „${(text || cell.innerHTML).slice(0, 30)}“`;
          const b = cell.getBoundingClientRect();
          if (b.left < -1 || b.right > vw + 1) {
            out.push(`${what}: ${label} liegt außerhalb der Bildschirmbreite (${Math.round(b.left)}–${Math.round(b.right)} px von ${vw} px)`);
            continue;
          }
          if (cell.scrollWidth > cell.clientWidth + 1) {
            out.push(`${what}: ${label} ist breiter als die Zelle (${cell.scrollWidth} px Inhalt in ${cell.clientWidth} px), wird abgeschnitten oder läuft über`);
          }
          const stacked = getComputedStyle(cell).display === "block";
          if (!stacked || cell.tagName !== "TD" || (!text && !hasControl)) continue;
          if (columns && cell.colSpan >= columns) continue;
          const dl = squash(cell.getAttribute("data-label"));
          const before = getComputedStyle(cell, "::before").content;
          if (!dl) {
            out.push(`${what}: ${label} steht ohne Spaltenkopf (data-label fehlt)`);
          } else if (!before || before === "none" || before === "normal") {
            out.push(`${what}: ${label} zeigt seinen Spaltenkopf „${dl}“ nicht an (::before fehlt)`);
          } else if (headers.length && !headers.includes(dl)) {
            out.push(`${what}: ${label} hat data-label „${dl}“, aber keinen solchen Spaltenkopf (${headers.join(", ")})`);
          }
        }
      }
    }
  }
  return out;
}

module.exports = { tableFindings };
