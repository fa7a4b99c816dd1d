// The generic lab runner (`ftlab lab open ID`): the lab's steps with their state, the selected step's
// instructions rendered from Markdown, its checks run on demand with ✓/✗ per check, and each failed
// check's hint shown only when asked for. Results go to the progress store, like `ftlab lab verify`.
// A lab that ships its own screen (src/ui/labs/<id>/<Name>Lab.tsx) is offered from here.
import { Box, Text } from 'ink';
import { useEffect, useMemo, useRef, useState, type ComponentType } from 'react';
import { markdown } from '../../core/content/markdown.js';
import type { LoadedLab } from '../../core/content/loader.js';
import { labStanding, recordLabRun } from '../../app/lab-progress.js';
import { randomSeed, runCheck, type CheckResult } from '../../engines/labs/runner.js';
import type { ScreenProps } from '../app/routes.js';
import { StyledLine } from '../components/StyledLine.js';
import { useAppEnv } from '../contexts/AppEnvContext.js';
import { KeypressPriority, useCommands, useKeyHold } from '../contexts/KeypressContext.js';
import { useUi } from '../contexts/UiContext.js';
import { useAppData } from '../hooks/useAppData.js';
import { Command } from '../keys/keyBindings.js';
import { Screen } from '../layouts/Screen.js';
import { useBodySize } from '../hooks/useBodySize.js';
import { renderMarkdown } from '../markdown/render.js';
import type { Line } from '../markdown/text.js';
import { inAppCheckOptions } from '../../app/lab-artefacts.js';

/** Props of a lab's own screen component. */
export interface LabScreenProps {
  contentRoot: string;
  home?: string;
  onExit(): void;
}

/** src/ui/screens/labs/<Pascal>Lab.tsx, e.g. ServingLab.tsx for the serving lab. */
function labScreenFile(labId: string): string {
  return labId.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase()) + 'Lab';
}

async function loadLabScreen(labId: string): Promise<ComponentType<LabScreenProps> | undefined> {
  try {
    const mod = (await import(`./labs/${labScreenFile(labId)}.tsx`)) as { default?: ComponentType<LabScreenProps> };
    return typeof mod.default === 'function' ? mod.default : undefined;
  } catch {
    return undefined; // this lab has no screen of its own
  }
}

type StepState = { status: 'idle' } | { status: 'running'; done: number } | { status: 'done'; results: CheckResult[] };

export default function LabRunner({ route }: ScreenProps<'lab'>) {
  const data = useAppData();
  const lab = data.content.labById.get(route.labId);
  if (!lab) {
    const broken = data.content.problems.find((p) => p.path.startsWith(`labs/${route.labId}/`));
    return (
      <Screen title="Lab" hints={[Command.BACK]}>
        <Text>
          {broken
            ? `The lab "${route.labId}" has problems and cannot run (${broken.path}:${broken.line}: ${broken.message}).`
            : `There is no lab "${route.labId}".`}
        </Text>
        <Text>Run ftlab content check to see every problem.</Text>
      </Screen>
    );
  }
  return <Runner lab={lab} />;
}

function Runner({ lab }: { lab: LoadedLab }) {
  const data = useAppData();
  const env = useAppEnv();
  const saved = data.store.settings.get().labs[lab.id];
  const [stepIndex, setStepIndex] = useState(() => {
    // Start at the first step not yet passed.
    const i = lab.steps.findIndex((s) => !saved?.steps[s.id]?.passed);
    return i === -1 ? 0 : i;
  });
  const [states, setStates] = useState<Record<string, StepState>>({});
  const [showHints, setShowHints] = useState(false);
  const [top, setTop] = useState(0);
  const [passed, setPassed] = useState(() => labStanding(data.store.settings, lab).passed);
  const [LabScreen, setLabScreen] = useState<ComponentType<LabScreenProps> | undefined>();
  const [ownScreen, setOwnScreen] = useState<ComponentType<LabScreenProps> | undefined>();
  const [screenLoaded, setScreenLoaded] = useState(false);
  // From o until the lab's screen is on: keys typed meanwhile are held and then go to that screen,
  // also when o came before its code had loaded.
  const [opening, setOpening] = useState(false);
  const holdKeys = useKeyHold();
  const seed = useMemo(() => randomSeed(), []);
  const abort = useRef(new AbortController());

  useEffect(() => {
    if (!opening) return;
    if (LabScreen || (screenLoaded && !ownScreen)) {
      // The lab screen is on (it subscribed to keys while mounting): what was typed meanwhile goes to it.
      setOpening(false);
      holdKeys(false);
    } else if (screenLoaded && ownScreen) setLabScreen(() => ownScreen);
  }, [opening, LabScreen, screenLoaded, ownScreen]);

  useEffect(() => {
    let live = true;
    void loadLabScreen(lab.id).then((c) => {
      if (!live) return;
      if (c) setOwnScreen(() => c);
      setScreenLoaded(true);
    });
    const controller = abort.current;
    return () => {
      live = false;
      controller.abort(new Error('left the lab'));
    };
  }, [lab.id]);

  const step = lab.steps[stepIndex]!;
  const state: StepState = states[step.id] ?? { status: 'idle' };

  const runChecks = async () => {
    if (state.status === 'running' || step.checks.length === 0) return;
    setStates((s) => ({ ...s, [step.id]: { status: 'running', done: 0 } }));
    setShowHints(false);
    const results: CheckResult[] = [];
    for (let i = 0; i < step.checks.length; i++) {
      if (abort.current.signal.aborted) return;
      results.push(
        await runCheck(lab, step, i, {
          contentRoot: env.contentRoot,
          home: env.home,
          options: inAppCheckOptions(lab.id, data.store.home).options,
          seed,
          signal: abort.current.signal,
        }),
      );
      setStates((s) => ({ ...s, [step.id]: { status: 'running', done: i + 1 } }));
    }
    if (abort.current.signal.aborted) return;
    setStates((s) => ({ ...s, [step.id]: { status: 'done', results } }));
    const passed = results.every((r) => r.ok);
    try {
      const detail = results
        .filter((r) => !r.ok)
        .map((r) => r.message)
        .join(' / ');
      setPassed(recordLabRun(data.store.settings, lab, [{ stepId: step.id, passed, detail }]).passed);
    } catch {
      /* the store reports its own problems on the home screen; the result is still shown here */
    }
  };

  const move = (d: number) => {
    setStepIndex((i) => Math.max(0, Math.min(lab.steps.length - 1, i + d)));
    setTop(0);
    setShowHints(false);
  };

  useCommands(
    {
      [Command.LAB_NEXT_STEP]: () => move(1),
      [Command.LAB_PREV_STEP]: () => move(-1),
      [Command.LAB_RUN_CHECKS]: () => void runChecks(),
      [Command.LAB_HINTS]: () => setShowHints((v) => !v),
      [Command.LAB_OPEN_SCREEN]: () => {
        if (screenLoaded && !ownScreen) return false;
        holdKeys(true);
        setOpening(true);
        return true;
      },
    },
    { priority: KeypressPriority.Low, isActive: LabScreen === undefined && !opening },
  );

  // The progress folder, not a temp dir: what the lab screen trains must outlive it, for grading here.
  if (LabScreen) return <LabScreen contentRoot={env.contentRoot} home={data.store.home} onExit={() => setLabScreen(undefined)} />;

  // Steps without checks are reading steps: only graded steps count toward the lab.
  const gradedSteps = lab.steps.filter((s) => s.checks.length > 0).length;
  const hints = [
    Command.LAB_NEXT_STEP,
    Command.LAB_PREV_STEP,
    Command.LAB_RUN_CHECKS,
    { command: Command.LAB_HINTS, label: showHints ? 'hide hints' : 'hints' },
    ...(ownScreen ? [Command.LAB_OPEN_SCREEN] : []),
    Command.BACK,
  ];
  return (
    <Screen
      title={`Lab: ${lab.title}`}
      status={`${passed}/${gradedSteps} graded step${gradedSteps === 1 ? '' : 's'} passed`}
      hints={hints}
      moreKeys={[Command.DOWN, Command.UP, Command.PAGE_DOWN, Command.PAGE_UP]}
    >
      <Body
        lab={lab}
        stepIndex={stepIndex}
        states={states}
        saved={saved}
        showHints={showHints}
        hasOwnScreen={ownScreen !== undefined}
        top={top}
        setTop={setTop}
        gradingNote={inAppCheckOptions(lab.id, data.store.home).note}
      />
    </Screen>
  );
}

interface BodyProps {
  lab: LoadedLab;
  stepIndex: number;
  states: Record<string, StepState>;
  saved: { steps: Record<string, { passed: boolean }> } | undefined;
  showHints: boolean;
  hasOwnScreen: boolean;
  top: number;
  setTop: (f: (t: number) => number) => void;
  /** What the in-app checks grade (the lab screen's artefacts), when the lab needs one. */
  gradingNote?: string;
}

/** Rows: the step list, a rule, the instructions (scrollable), a rule, the check panel. */
function Body({ lab, stepIndex, states, saved, showHints, hasOwnScreen, top, setTop, gradingNote }: BodyProps) {
  const { theme, glyphs, options } = useUi();
  const { width, height } = useBodySize();
  const step = lab.steps[stepIndex]!;
  const state: StepState = states[step.id] ?? { status: 'idle' };
  const instructions = useMemo<Line[]>(
    () =>
      renderMarkdown(markdown().parse(step.instructions, {}), {
        width: Math.max(20, width),
        theme,
        glyphs,
        screenReader: options.screenReader,
      }).lines,
    [step.instructions, width, theme, glyphs, options.screenReader],
  );
  const stepRows = Math.min(lab.steps.length, Math.max(1, Math.floor(height / 4)));
  const results = state.status === 'done' ? state.results : [];
  const panel = checkPanel(step.checks.length, state, results, showHints, glyphs, hasOwnScreen);
  if (gradingNote && step.checks.length > 0 && state.status === 'idle') panel.splice(1, 0, { text: gradingNote, tone: 'muted' });
  const checkLines = panel.flatMap((l) => wrapLine(l, Math.max(20, width)));
  // The check panel gets what the instructions leave, and at least a third of the body.
  const panelRows = Math.min(checkLines.length, Math.max(Math.floor(height / 3), height - stepRows - 2 - instructions.length));
  const instructionRows = Math.max(1, height - stepRows - panelRows - 2);
  const maxTop = Math.max(0, instructions.length - instructionRows);
  const shownTop = Math.min(top, maxTop);
  const scroll = (d: number) => setTop((t) => Math.max(0, Math.min(maxTop, Math.min(t, maxTop) + d)));
  useCommands(
    {
      [Command.DOWN]: () => scroll(1),
      [Command.UP]: () => scroll(-1),
      [Command.PAGE_DOWN]: () => scroll(Math.max(1, instructionRows - 1)),
      [Command.PAGE_UP]: () => scroll(-Math.max(1, instructionRows - 1)),
      [Command.TOP]: () => scroll(-instructions.length),
      [Command.BOTTOM]: () => scroll(instructions.length),
    },
    { priority: KeypressPriority.Low },
  );
  const stepTop = Math.max(0, Math.min(stepIndex - Math.floor(stepRows / 2), lab.steps.length - stepRows));
  return (
    <Box flexDirection="column">
      {lab.steps.slice(stepTop, stepTop + stepRows).map((s, i) => {
        const index = stepTop + i;
        const selected = index === stepIndex;
        const mark = stepMark(s.id, s.checks.length, states, saved, glyphs);
        const label = `${selected ? glyphs.pointer : ' '} ${mark} ${index + 1}. ${s.title}${options.screenReader && selected ? ' (selected)' : ''}`;
        return (
          <Text key={s.id} bold={selected} color={selected ? theme.text.accent : undefined} wrap="truncate-end">
            {label}
          </Text>
        );
      })}
      <Text color={theme.text.muted}>{glyphs.hr.repeat(Math.max(0, width))}</Text>
      {instructions.slice(shownTop, shownTop + instructionRows).map((l, i) => (
        <StyledLine key={shownTop + i} line={l} />
      ))}
      <Text color={theme.text.muted}>{glyphs.hr.repeat(Math.max(0, width))}</Text>
      {checkLines.slice(0, panelRows).map((l, i) => (
        <Text
          key={i}
          color={
            l.tone === 'ok'
              ? theme.status.success
              : l.tone === 'fail'
                ? theme.status.error
                : l.tone === 'muted'
                  ? theme.text.muted
                  : undefined
          }
          wrap="truncate-end"
        >
          {l.text}
        </Text>
      ))}
    </Box>
  );
}

function stepMark(
  id: string,
  checks: number,
  states: Record<string, StepState>,
  saved: { steps: Record<string, { passed: boolean }> } | undefined,
  glyphs: { check: string; cross: string; bullet: string },
): string {
  if (checks === 0) return glyphs.bullet;
  const s = states[id];
  if (s?.status === 'running') return '…';
  if (s?.status === 'done') return s.results.every((r) => r.ok) ? glyphs.check : glyphs.cross;
  const prev = saved?.steps[id];
  if (prev) return prev.passed ? glyphs.check : glyphs.cross;
  return glyphs.bullet;
}

/** Wraps a panel line at `width`, continuation lines indented under the text. */
function wrapLine(line: PanelLine, width: number): PanelLine[] {
  if (line.text.length <= width) return [line];
  const indent = ' '.repeat(Math.min(6, (/^\s*/.exec(line.text)?.[0].length ?? 0) + 2));
  const out: PanelLine[] = [];
  let rest = line.text;
  while (rest.length > width) {
    let cut = rest.lastIndexOf(' ', width);
    if (cut <= indent.length) cut = width;
    out.push({ ...line, text: rest.slice(0, cut) });
    rest = indent + rest.slice(cut).trimStart();
  }
  out.push({ ...line, text: rest });
  return out;
}

interface PanelLine {
  text: string;
  tone?: 'ok' | 'fail' | 'muted';
}

function checkPanel(
  count: number,
  state: StepState,
  results: CheckResult[],
  showHints: boolean,
  glyphs: { check: string; cross: string },
  hasOwnScreen: boolean,
): PanelLine[] {
  const lines: PanelLine[] = [];
  if (count === 0) {
    lines.push({ text: 'This step has no checks: read it, try the commands, then move on.', tone: 'muted' });
  } else if (state.status === 'idle') {
    lines.push({ text: `${count} check${count === 1 ? '' : 's'} for this step. Press Enter to run them.`, tone: 'muted' });
  } else if (state.status === 'running') {
    lines.push({ text: `Running checks… ${state.done}/${count}`, tone: 'muted' });
  } else {
    const failed = results.filter((r) => !r.ok);
    const skipped = results.filter((r) => r.skipped);
    const ran = `${results.length - failed.length - skipped.length}/${results.length} checks passed`;
    const skips = skipped.length ? `, ${skipped.length} skipped` : '';
    lines.push(
      failed.length
        ? { text: `${ran}${skips}.`, tone: 'fail' }
        : skipped.length
          ? { text: `${ran}${skips}, none failed.`, tone: 'ok' }
          : { text: `All ${results.length} checks passed.`, tone: 'ok' },
    );
    for (const r of results) {
      if (r.skipped) lines.push({ text: `- skipped ${r.kind}: ${r.skipped}`, tone: 'muted' });
      else if (r.ok) lines.push({ text: `${glyphs.check} ${r.kind}`, tone: 'ok' });
      else {
        lines.push({ text: `${glyphs.cross} ${r.message}`, tone: 'fail' });
        if (r.detail) lines.push({ text: `    observed: ${r.detail}` });
        if (showHints && r.hint) lines.push({ text: `    hint: ${r.hint}`, tone: 'muted' });
      }
    }
    if (failed.length && !showHints) lines.push({ text: 'Press space for hints.', tone: 'muted' });
  }
  if (hasOwnScreen) lines.push({ text: 'This lab has its own interactive screen: press o to open it.', tone: 'muted' });
  return lines;
}
