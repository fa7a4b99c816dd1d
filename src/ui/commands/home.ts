import { printJson } from '../../cli/context.js';
import { homeSummary, homeText } from '../data/home.js';
import { prepareHomeData } from '../data/homeData.js';
import { announceStoreNotices } from '../data/session.js';
import { openTui, prefetchTui, wantsTui, type StudyFlags } from './shared.js';

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
