// Statistics as terminal charts: reviews per day, retention, 30-day due forecast, mastery per
// module and exam history (data: computeStats in src/core/stats). Scrolls when it does not fit.
import { useMemo } from 'react';
import { Screen } from '../layouts/Screen.js';
import { useBodySize } from '../hooks/useBodySize.js';
import { ScrollView, SCROLL_KEYS } from '../components/ScrollView.js';
import { useUi } from '../contexts/UiContext.js';
import { useAppData } from '../hooks/useAppData.js';
import { statsFor } from '../../app/stats.js';
import { statsLines } from '../components/statsText.js';
import type { ScreenProps } from '../app/routes.js';
import type { Stats } from '../../core/stats/index.js';

export default function StatsScreen(_props: ScreenProps<'stats'>) {
  const data = useAppData();
  const stats = useMemo(() => statsFor(data), [data]);
  return (
    <Screen
      title="Statistics"
      status={stats.today}
      hints={[...SCROLL_KEYS.slice(0, 3)]}
      moreKeys={[...SCROLL_KEYS]}
      warnings={data.warnings}
    >
      <Body stats={stats} />
    </Screen>
  );
}

function Body({ stats }: { stats: Stats }) {
  const { width } = useBodySize();
  const { glyphs, theme, options } = useUi();
  const lines = useMemo(
    () => statsLines(stats, { glyphs, theme, width, screenReader: options.screenReader }),
    [stats, glyphs, theme, width, options.screenReader],
  );
  return <ScrollView lines={lines} />;
}
