import { printJson } from '../../cli/context.js';
import { openAppData } from '../data/appData.js';
import { homeSummary, homeText } from '../data/home.js';
import { openTui, wantsTui, type StudyFlags } from './shared.js';

export async function runHome(flags: StudyFlags): Promise<void> {
  if (wantsTui(flags)) return openTui({ screen: 'home' }, flags);
  const data = openAppData({ contentRoot: flags.root, home: flags.home });
  const summary = homeSummary(data);
  if (flags.json) printJson({ ...summary, warnings: data.warnings });
  else process.stdout.write(homeText(summary, data.warnings));
}
