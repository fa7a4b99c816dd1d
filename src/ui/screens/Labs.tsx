// The labs shipped with the content: what each needs and how far the learner got. Enter opens the
// lab runner (src/ui/screens/LabRunner.tsx); `ftlab lab verify ID` grades a lab without the UI.
import { Text } from 'ink';
import { Screen } from '../layouts/Screen.js';
import { useBodySize } from '../hooks/useBodySize.js';
import { SelectList, type ListItem } from '../components/SelectList.js';
import { Command } from '../keys/keyBindings.js';
import { useNavigation } from '../contexts/NavigationContext.js';
import { useUi } from '../contexts/UiContext.js';
import { useAppData } from '../hooks/useAppData.js';
import type { ScreenProps } from '../app/routes.js';
import { labStanding } from '../../app/lab-progress.js';

export default function Labs({ route }: ScreenProps<'labs'>) {
  return (
    <Screen title="Labs" hints={[Command.DOWN, Command.UP, Command.SELECT, Command.BACK]}>
      <Body route={route} />
    </Screen>
  );
}

/** The lab each Labs list opened (the route object stays on the navigation stack): back from it, the cursor is there. */
const opened = new WeakMap<ScreenProps<'labs'>['route'], string>();

function Body({ route }: { route: ScreenProps<'labs'>['route'] }) {
  const data = useAppData();
  const nav = useNavigation();
  const { height } = useBodySize();
  const { glyphs, theme } = useUi();
  const labs = data.content.labs;
  if (!labs.length) return <Text>No labs in this content folder.</Text>;
  const items: ListItem<string>[] = labs.map((lab) => {
    // The lab-completion rule (app/lab-progress.ts): only graded steps count, as in the runner's header.
    const standing = labStanding(data.store.settings, lab);
    const state = standing.complete
      ? `${glyphs.check} done`
      : standing.passed
        ? `${standing.passed}/${standing.graded} graded steps passed`
        : `${lab.steps.length} steps`;
    const needs = lab.requires.length ? ` · needs ${lab.requires.join(', ')}` : '';
    return { key: lab.id, label: lab.title, detail: `${lab.minutes} min · ${state}${needs}`, value: lab.id };
  });
  return (
    <>
      <SelectList
        items={items}
        height={Math.max(1, height - 2)}
        initialKey={opened.get(route)}
        onSelect={(id) => {
          opened.set(route, id);
          nav.push({ screen: 'lab', labId: id });
        }}
      />
      <Text> </Text>
      <Text color={theme.text.muted} wrap="truncate-end">
        Grade a lab from the shell with: ftlab lab verify ID
      </Text>
    </>
  );
}
