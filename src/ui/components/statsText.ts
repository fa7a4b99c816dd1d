// The statistics as styled lines: one layout for the stats screen (scrolled) and for the plain-text
// output of `ftlab stats` without a terminal. Charts come from components/charts.ts.
import type { Stats } from '../../core/stats/index.js';
import { bar, columns, percent, sparkline } from './charts.js';
import type { Glyphs } from '../theme/glyphs.js';
import type { Theme } from '../theme/tokens.js';
import { noColorTheme } from '../theme/palettes.js';
import { lineText, wrapSpans, type Line } from '../markdown/text.js';
import { warningLines } from '../../app/home-summary.js';
import { plural } from '../../shared/plural.js';

const PASS_MARK = 700;

export function statsLines(s: Stats, opts: { glyphs: Glyphs; theme: Theme; width: number; screenReader?: boolean }): Line[] {
  const { glyphs: g, theme } = opts;
  const sr = Boolean(opts.screenReader);
  const width = Math.max(40, opts.width);
  const out: Line[] = [];
  // Prose wraps (a continuation row indented by two), so nothing is cut at 60 columns.
  const wrapped = (t: string, style: Omit<Line[number], 'text'>) => {
    for (const row of wrapSpans([{ text: t, ...style }], width, [], [{ text: '  ' }])) out.push(row);
  };
  const heading = (text: string) => {
    if (out.length) out.push([]);
    wrapped(text, { bold: true, color: theme.text.accent });
  };
  const text = (t: string, style: Omit<Line[number], 'text'> = {}) => wrapped(t, style);
  const muted = { color: theme.text.muted, dim: !theme.hasColor };

  // ---- overview ------------------------------------------------------------------------------
  const c = s.cards;
  heading('Overview');
  text(
    `Cards ${c.total}: ${c.new} new, ${c.learning + c.relearning} learning, ${c.review} in review, ${c.mastered} mastered; ${c.dueNow} due now`,
  );
  text(
    `Streak ${plural(s.streak.current, 'day')} (longest ${s.streak.longest})${s.streak.activeToday ? ', studied today' : ''}; ${plural(s.totals.reviews, 'review')} on ${plural(s.totals.studyDays, 'study day')}`,
  );

  // ---- reviews per day -----------------------------------------------------------------------
  const days = s.reviewsPerDay;
  const counts = days.map((d) => d.total);
  const total = counts.reduce((a, b) => a + b, 0);
  heading(`Reviews per day (last ${plural(days.length, 'day')}: ${plural(total, 'review')}, today ${counts[counts.length - 1] ?? 0})`);
  if (sr) {
    const active = days.filter((d) => d.total > 0);
    if (!active.length) text('No reviews in this period.');
    for (const d of active)
      text(`${d.day}: ${plural(d.total, 'review')} (again ${d.again}, hard ${d.hard}, good ${d.good}, easy ${d.easy})`);
  } else if (total === 0) {
    text('No reviews yet: review some cards and this chart fills in.', muted);
  } else {
    const max = Math.max(...counts);
    const colW = days.length * 2 <= width - 8 ? 2 : 1;
    const chart = columns(counts, 5, g, colW === 2 ? 1 : 1, colW === 2 ? 1 : 0);
    chart.forEach((row, i) =>
      out.push([
        { text: (i === 0 ? String(max) : '').padStart(5) + ' ', ...muted },
        { text: row, color: theme.chart.bar },
      ]),
    );
    const axisLen = colW === 2 ? days.length * 2 - 1 : days.length;
    out.push([{ text: '      ' + days[0]!.day.slice(5).padEnd(Math.max(0, axisLen - 5)) + days[days.length - 1]!.day.slice(5), ...muted }]);
  }

  // ---- retention -----------------------------------------------------------------------------
  heading(`Retention (recalled reviews of seen cards): ${percent(s.retention.overall)} of ${s.retention.total}`);
  const rates = s.retention.byDay.map((d) => d.rate);
  if (s.retention.total === 0) text('No reviews of already-seen cards yet.', muted);
  else if (sr) {
    for (const d of s.retention.byDay.filter((x) => x.total > 0)) text(`${d.day}: ${percent(d.rate)} of ${d.total}`);
  } else {
    out.push([
      { text: 'by day ', ...muted },
      { text: sparkline(rates, g, 1), color: theme.chart.good },
      { text: `  (low ${g.spark[0]} = 0%, high ${g.spark[g.spark.length - 1]} = 100%, blank = no reviews)`, ...muted },
    ]);
  }

  // ---- forecast ------------------------------------------------------------------------------
  const f = s.forecast;
  const next7 = f.slice(0, 7).reduce((n, d) => n + d.due, 0);
  const all = f.reduce((n, d) => n + d.due, 0);
  heading(
    `Due forecast, next ${plural(f.length, 'day')}: today ${f[0]?.due ?? 0}, tomorrow ${f[1]?.due ?? 0}, 7 days ${next7}, ${plural(f.length, 'day')} ${all}`,
  );
  if (all === 0) text('Nothing scheduled yet.', muted);
  else if (sr) {
    for (const d of f.filter((x) => x.due > 0)) text(`${d.day}: ${d.due} due`);
  } else {
    const chart = columns(
      f.map((d) => d.due),
      4,
      g,
      1,
      1,
    );
    const max = Math.max(...f.map((d) => d.due));
    chart.forEach((row, i) =>
      out.push([
        { text: (i === 0 ? String(max) : '').padStart(5) + ' ', ...muted },
        { text: row, color: theme.chart.barAlt },
      ]),
    );
    out.push([{ text: '      today' + ' '.repeat(Math.max(1, f.length * 2 - 1 - 5 - 5)) + f[f.length - 1]!.day.slice(5), ...muted }]);
  }

  // ---- mastery -------------------------------------------------------------------------------
  heading('Mastery per module (cards in review with stability of 21 days or more)');
  const mods = s.mastery.filter((m) => m.cards > 0 || m.title);
  // Titles are never cut: the title column is as wide as the longest title that still leaves room
  // for an 8-cell bar and the longest tail; a title wider than that gets its own row above its bar.
  const tails = mods.map((m) =>
    m.cards ? `${percent(m.share)}  ${m.mastered}/${m.cards} mastered, ${m.started} started` : 'no questions',
  );
  const tailW = Math.max(0, ...tails.map((t) => t.length));
  const fitW = Math.max(8, width - tailW - 2 - 8);
  const titleW = Math.min(fitW, Math.max(8, ...mods.map((m) => m.title.length).filter((n) => n <= fitW)));
  const barW = Math.max(8, Math.min(30, width - titleW - tailW - 2));
  if (!mods.length) text('No modules.', muted);
  mods.forEach((m, i) => {
    const tail = tails[i]!;
    if (sr) return text(`${m.title}: ${tail}`);
    const barSpans = [
      { text: bar(m.share, 1, barW, g), color: theme.chart.good },
      { text: ' ' + tail, ...muted },
    ];
    if (m.title.length <= titleW) return out.push([{ text: m.title.padEnd(titleW) + ' ' }, ...barSpans]);
    for (const row of wrapSpans([{ text: m.title }], width)) out.push(row);
    out.push([{ text: ' '.repeat(Math.min(titleW + 1, width - barW - tailW - 1)) }, ...barSpans]);
  });

  // ---- exams ---------------------------------------------------------------------------------
  heading(`Mock exams (${s.exams.length} taken; scores are estimates on the 100-1000 scale, pass at ${PASS_MARK})`);
  if (!s.exams.length) text('No mock exams yet: take one from the home screen (e) or with `ftlab exam`.', muted);
  else {
    if (!sr && s.exams.length > 1)
      out.push([
        { text: 'trend ', ...muted },
        {
          text: sparkline(
            s.exams.map((e) => e.scaled - 100),
            g,
            900,
          ),
          color: theme.chart.bar,
        },
      ]);
    const scoreW = Math.max(8, Math.min(24, width - 52));
    for (const e of s.exams.slice(-12).reverse()) {
      const date = new Date(e.submittedAt).toISOString().slice(0, 16).replace('T', ' ');
      const verdict = e.passed ? 'pass' : 'fail';
      const detail = `${e.mode.padEnd(5)} ${String(e.scaled).padStart(4)} ${verdict} ${e.correct}/${e.total}${e.autoSubmitted ? ' (time ran out)' : ''}`;
      if (sr) text(`${date}: ${detail}`);
      else
        out.push([
          { text: `${date}  ` },
          { text: bar(e.scaled - 100, 900, scoreW, g), color: e.passed ? theme.chart.good : theme.chart.bad },
          { text: ' ' + detail, bold: e.passed, color: e.passed ? theme.status.success : theme.status.error },
        ]);
    }
    const last = s.exams[s.exams.length - 1]!;
    if (last.byDomain.length) {
      text(`Last exam by domain: ${last.byDomain.map((d) => `D${d.domain} ${d.correct}/${d.total}`).join(', ')}`, muted);
    }
  }

  // ---- task statements -----------------------------------------------------------------------
  // Weakest first (computeStats sorts), so the top lines say what to study next; titles wrap, never cut.
  const tasks = s.byTask ?? [];
  const practised = tasks.filter((t) => t.score !== null);
  heading('AIF-C01 task statements, weakest first (mock-exam items and reviews together)');
  if (!practised.length) text('Nothing practised yet: answer some cards or take a mock exam.', muted);
  for (const t of practised) {
    const detail = `${percent(t.score ?? 0).padStart(4)}  exam ${t.exam.correct}/${t.exam.total}, reviews ${t.reviews.recalled}/${t.reviews.total}`;
    for (const row of wrapSpans([{ text: `${t.task} ${t.title}: ${detail}` }], width, [], [{ text: '    ' }])) out.push(row);
  }
  const untouched = tasks.filter((t) => t.score === null).map((t) => t.task);
  if (untouched.length && practised.length) text(`Not practised yet: ${untouched.join(', ')}`, muted);
  return out;
}

export function statsText(s: Stats, glyphs: Glyphs, warnings: readonly string[] = [], width = 80): string {
  const lines = statsLines(s, { glyphs, theme: noColorTheme, width });
  const body = lines.map((l) => lineText(l).trimEnd());
  body.push(...warningLines(warnings));
  return `ftlab statistics (${s.today})\n\n` + body.join('\n') + '\n';
}
