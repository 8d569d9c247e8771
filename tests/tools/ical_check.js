// Parse an iCalendar file with ical.js (Thunderbird's parser) and print
// one JSON object per event: uid, summary, status, sequence, and the start
// as UTC and as Berlin wall time. Used by tests/api/ical.rs.
const fs = require("fs");
const path = require("path");
const mod = require(path.join(__dirname, "..", "..", ".tools", "node_modules", "ical.js", "dist", "ical.es5.cjs"));
const ICAL = mod.parse ? mod : mod.default;
const text = fs.readFileSync(process.argv[2], "utf8");
const cal = new ICAL.Component(ICAL.parse(text));
for (const tz of cal.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(tz);
}
const berlin = new Intl.DateTimeFormat("de-DE", {
  timeZone: "Europe/Berlin", year: "numeric", month: "2-digit", day: "2-digit",
  hour: "2-digit", minute: "2-digit", hour12: false,
});
const out = cal.getAllSubcomponents("vevent").map((v) => {
  const e = new ICAL.Event(v);
  if (e.startDate.isDate) {
    // all-day entry (a deadline)
    return { uid: e.uid, summary: e.summary, all_day: true, date: e.startDate.toString(), description: e.description };
  }
  const start = e.startDate.toJSDate();
  return {
    uid: e.uid,
    summary: e.summary,
    status: v.getFirstPropertyValue("status"),
    sequence: e.sequence,
    tzid: e.startDate.timezone,
    start_utc: start.toISOString().replace(".000Z", "Z"),
    start_berlin: berlin.format(start),
    description: e.description,
  };
});
process.stdout.write(JSON.stringify({ name: cal.getFirstPropertyValue("x-wr-calname"), events: out }));
