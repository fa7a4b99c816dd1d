// `ftlab stats`: the charts screen in a terminal, plain-text charts without one, JSON with --json.
import { printJson } from '../shared/output.js';
import { UsageError } from '../shared/errors.js';
import { openAppData } from '../app/app-data.js';
import { announceStoreNotices } from '../app/store-session.js';
import { statsFor } from '../app/stats.js';
import { openTui, wantsTui, type StudyFlags } from './tui.js';

export async function runStats(flags: StudyFlags & { days?: number | string }): Promise<void> {
  // The flag arrives as typed, so the error repeats what the learner wrote ("abc", not NaN).
  const days = flags.days === undefined ? undefined : /^\s*\d+\s*$/.test(String(flags.days)) ? Number(flags.days) : NaN;
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 365)) {
    throw new UsageError(`--days must be a whole number from 1 to 365 (got ${String(flags.days)})`);
  }
  if (wantsTui(flags)) return openTui({ screen: 'stats' }, flags);
  const data = openAppData({ contentRoot: flags.root, home: flags.home });
  const warnings = announceStoreNotices(data.warnings);
  const stats = statsFor(data, { days });
  if (flags.json) {
    printJson({ ...stats, warnings: data.warnings });
    return;
  }
  const [{ statsText }, { unicodeGlyphs, asciiGlyphs }] = await Promise.all([
    import('../ui/components/statsText.js'),
    import('../ui/theme/glyphs.js'),
  ]);
  process.stdout.write(statsText(stats, flags.ascii || flags.screenReader ? asciiGlyphs : unicodeGlyphs, warnings));
}
