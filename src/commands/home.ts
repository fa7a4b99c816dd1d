import { printJson } from '../shared/output.js';
import { homeSummary, homeText } from '../app/home-summary.js';
import { prepareHomeData } from '../app/home-data.js';
import { announceStoreNotices } from '../app/store-session.js';
import { openTui, prefetchTui, wantsTui, type StudyFlags } from './tui.js';

export async function runHome(flags: StudyFlags): Promise<void> {
  const env = { contentRoot: flags.root, home: flags.home };
  if (wantsTui(flags)) {
    prefetchTui({ screen: 'home' });
    await prepareHomeData(env); // so the first frame is the finished home screen
    return openTui({ screen: 'home' }, flags);
  }
  const data = await prepareHomeData(env);
  const warnings = announceStoreNotices(data.warnings);
  const summary = homeSummary(data);
  if (flags.json) printJson({ ...summary, warnings: data.warnings });
  else process.stdout.write(homeText(summary, warnings));
}
