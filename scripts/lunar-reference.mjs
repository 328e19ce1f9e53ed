#!/usr/bin/env node
// Writes the reference table of Vietnamese lunar months, 1901–2099, that the test
// `domain::lunar::tests::agrees_with_the_reference_table_every_day_1901_2099` checks
// app/src/domain/lunar.rs against.
//
// The reference is the npm package @dqcai/vn-lunar 1.0.1 (MIT), a TypeScript port of
// Hồ Ngọc Đức's table-driven amlich.js: it decodes his precomputed year tables (TK20, TK21:
// the date of Tết, the length of each month, the leap month and its length, for each year)
// and computes no new moon or solar term itself, so it shares no code with lunar.rs.
//
// Install it outside the repository, then run (from the repository root):
//   mkdir -p /tmp/lunarref && (cd /tmp/lunarref && npm install --no-save @dqcai/vn-lunar@1.0.1)
//   node scripts/lunar-reference.mjs /tmp/lunarref > app/src/domain/lunar_months_1901_2099.txt
//
// Output: one line per lunar month whose first day falls in 1901-01-01..2099-12-31, plus the
// month in progress on 1901-01-01: `YYYY-MM-DD,lunar year,month,leap (0/1)`, the solar date of
// its first day. Before writing, the script checks that the package's own day-by-day
// conversion (getLunarDate) gives, for every day of the range, the date the table implies.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const prefix = process.argv[2] ?? "/tmp/lunarref";
const dir = join(prefix, "node_modules", "@dqcai", "vn-lunar");
const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
const ref = await import(pathToFileURL(join(dir, "lib", "index.mjs")).href);

const fail = (msg) => {
  process.stderr.write(`lunar-reference: ${msg}\n`);
  process.exit(1);
};

// Julian day number <-> Gregorian date, through the JavaScript Date (UTC) rather than the
// package, so that the package's calendar arithmetic is not trusted for this.
const EPOCH = 2440588; // 1970-01-01
const jdOf = (y, m, d) => Date.UTC(y, m - 1, d) / 86400000 + EPOCH;
const dateOf = (jd) => {
  const t = new Date((jd - EPOCH) * 86400000);
  return [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()];
};
const iso = ([y, m, d]) =>
  `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;

const FIRST = jdOf(1901, 1, 1);
const LAST = jdOf(2099, 12, 31);

// Every month of lunar years 1900..2099, in order (year n's list runs from Tết n to the last
// day of its twelfth month).
const all = [];
for (let y = 1900; y <= 2099; y++) {
  for (const m of ref.getYearInfo(y)) {
    all.push({ jd: m.jd, year: m.year, month: m.month, leap: m.leap });
  }
}
for (let i = 1; i < all.length; i++) {
  const len = all[i].jd - all[i - 1].jd;
  if (len !== 29 && len !== 30) {
    fail(`month ${JSON.stringify(all[i - 1])} lasts ${len} days`);
  }
}
const firstIn = all.findIndex((m) => m.jd >= FIRST);
if (firstIn < 1 || all[all.length - 1].jd <= LAST) fail("the tables do not cover 1901-2099");
const months = all.slice(firstIn - 1).filter((m) => m.jd <= LAST);

// The package's own conversion, day by day, against the table.
let i = 0;
for (let jd = FIRST; jd <= LAST; jd++) {
  while (i + 1 < months.length && months[i + 1].jd <= jd) i++;
  const m = months[i];
  const want = `${jd - m.jd + 1}/${m.month}/${m.year}${m.leap ? "L" : ""}`;
  const [y, mo, d] = dateOf(jd);
  const l = ref.getLunarDate(d, mo, y);
  const got = `${l.day}/${l.month}/${l.year}${l.leap ? "L" : ""}`;
  if (l.day === 0 || got !== want) fail(`${iso([y, mo, d])}: getLunarDate ${got}, table ${want}`);
}

const out = [
  `# Vietnamese lunar months (UTC+7), first day of each month starting in 1901-01-01..2099-12-31`,
  `# and of the month in progress on 1901-01-01: solar date of day 1,lunar year,month,leap (0/1).`,
  `# Generated from the npm package ${pkg.name} ${pkg.version} (${pkg.license}; Hồ Ngọc Đức's year`,
  `# tables TK20/TK21) by: node scripts/lunar-reference.mjs /tmp/lunarref (see the script's header).`,
];
for (const m of months) {
  out.push(`${iso(dateOf(m.jd))},${m.year},${m.month},${m.leap ? 1 : 0}`);
}
process.stdout.write(out.join("\n") + "\n");
