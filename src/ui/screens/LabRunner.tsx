// The generic lab runner (`ftlab lab open ID`): the lab's steps with their state, the selected step's
// instructions rendered from Markdown, its checks run on demand with ✓/✗ per check, and each failed
// check's hint shown only when asked for. Results go to the progress store, like `ftlab lab verify`.
// A lab that ships its own screen (src/ui/labs/<id>/<Name>Lab.tsx) is offered from here.
import { Box, Text } from 'ink';
import { useEffect, useMemo, useRef, useState, type ComponentType, type ReactNode } from 'react';
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
import { gradingUrl, inAppCheckOptions, listening } from '../../app/lab-artefacts.js';
import { TextField } from '../questions/TextField.js';

/** What a lab screen leaves running when the learner goes back with k (the serving lab's servers). */
export interface KeptLabScreen {
  /** The screen's own session, handed back to it when it opens again. */
  handle: unknown;
  /** The serving API it keeps running, for the checks to grade. */
  apiUrl(): string | undefined;
  /** Stops what it keeps running (when the learner leaves the lab). */
  stop(): Promise<void>;
}

/** Props of a lab's own screen component. */
export interface LabScreenProps {
  contentRoot: string;
  home?: string;
  kept?: KeptLabScreen;
  onExit(kept?: KeptLabScreen): void;
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

type StepState = { status: 'idle' } | { status: 'running'; done: number; note?: string } | { status: 'done'; results: CheckResult[] };

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
  const { theme } = useUi();
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
  // Servers the lab screen left running for grading: ours until the screen opens again or the lab closes.
  const [kept, setKept] = useState<KeptLabScreen | undefined>();
  const keptRef = useRef<KeptLabScreen | undefined>(undefined);
  keptRef.current = kept;
  useEffect(() => () => void keptRef.current?.stop(), []);
  // The URL field (a lab whose checks need a running API that the lab screen does not provide).
  const [askUrl, setAskUrl] = useState<{ value: string; error?: string } | undefined>();
  const lastUrl = useRef<string | undefined>(undefined);

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

  const grading = inAppCheckOptions(lab.id, data.store.home, { apiUrl: kept?.apiUrl() });

  const runChecks = async (given?: Record<string, string>) => {
    if (state.status === 'running' || step.checks.length === 0) return;
    // Nothing here says which API to grade: ask for its URL first.
    if (grading.askUrl !== undefined && !given) {
      setAskUrl({ value: lastUrl.current ?? grading.askUrl });
      return;
    }
    const options = { ...grading.options, ...given };
    setStates((s) => ({ ...s, [step.id]: { status: 'running', done: 0 } }));
    setShowHints(false);
    // Checks against an address where nothing listens would only fail: they are skipped, with the reason,
    // and nothing is recorded (they say nothing about the learner's work).
    if (options.url && !(await listening(options.url))) {
      if (abort.current.signal.aborted) return;
      const why = `nothing is listening at ${options.url}: start the API (o, then b and a; k keeps it running when you go back) or give the URL of a running one`;
      const skipped = step.checks.map((c, index): CheckResult => ({ step: step.id, index, kind: c.kind, ok: true, skipped: why, ms: 0 }));
      setStates((s) => ({ ...s, [step.id]: { status: 'done', results: skipped } }));
      return;
    }
    const results: CheckResult[] = [];
    for (let i = 0; i < step.checks.length; i++) {
      if (abort.current.signal.aborted) return;
      results.push(
        await runCheck(lab, step, i, {
          contentRoot: env.contentRoot,
          home: env.home,
          options,
          seed,
          signal: abort.current.signal,
          // a slow check (the LoRA label check answers 200 tickets twice) says how far it is
          onProgress: (note) => setStates((s) => ({ ...s, [step.id]: { status: 'running', done: i, note } })),
        }),
      );
      setStates((s) => ({ ...s, [step.id]: { status: 'running', done: i + 1 } }));
    }
    if (abort.current.signal.aborted) return;
    setStates((s) => ({ ...s, [step.id]: { status: 'done', results } }));
    // A run where no check could run says nothing about the learner's work: nothing is recorded.
    if (results.every((r) => r.skipped)) return;
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

  // Hints are those of the failed checks of the last run: Space has something to show only then.
  const hasHints = state.status === 'done' && state.results.some((r) => !r.ok && r.hint);

  useCommands(
    {
      [Command.LAB_NEXT_STEP]: () => move(1),
      [Command.LAB_PREV_STEP]: () => move(-1),
      [Command.LAB_RUN_CHECKS]: () => (step.checks.length ? void runChecks() : false),
      // Without hints Space is free to page the step's text down.
      [Command.LAB_HINTS]: () => (hasHints ? setShowHints((v) => !v) : false),
      [Command.LAB_OPEN_SCREEN]: () => {
        if (screenLoaded && !ownScreen) return false;
        holdKeys(true);
        setOpening(true);
        return true;
      },
    },
    { priority: KeypressPriority.Low, isActive: LabScreen === undefined && !opening && !askUrl },
  );

  // The progress folder, not a temp dir: what the lab screen trains must outlive it, for grading here.
  if (LabScreen) {
    return (
      <LabScreen
        contentRoot={env.contentRoot}
        home={data.store.home}
        kept={kept}
        onExit={(next) => {
          setKept(next);
          setLabScreen(undefined);
          // Results shown were for what the screen ran before (an API now stopped, an older adapter):
          // the steps show what will be graded now, their recorded marks stay.
          setStates({});
        }}
      />
    );
  }

  const submitUrl = (text: string) => {
    const url = gradingUrl(text);
    if (!url) {
      setAskUrl({ value: text, error: 'That is not an http:// or https:// URL, e.g. http://127.0.0.1:8000' });
      return;
    }
    lastUrl.current = url;
    setAskUrl(undefined);
    void runChecks({ url });
  };

  // Steps without checks are reading steps: only graded steps count toward the lab.
  const gradedSteps = lab.steps.filter((s) => s.checks.length > 0).length;
  // The footer lists only keys that do something on this step.
  const hints = askUrl
    ? [{ command: Command.SUBMIT, label: 'grade this API' }]
    : [
        Command.LAB_NEXT_STEP,
        Command.LAB_PREV_STEP,
        ...(step.checks.length ? [Command.LAB_RUN_CHECKS] : []),
        ...(hasHints ? [{ command: Command.LAB_HINTS, label: showHints ? 'hide hints' : 'hints' }] : []),
        ...(ownScreen ? [Command.LAB_OPEN_SCREEN] : []),
        Command.BACK,
      ];
  return (
    <Screen
      title={`Lab: ${lab.title}`}
      status={`${passed}/${gradedSteps} graded step${gradedSteps === 1 ? '' : 's'} passed`}
      hints={hints}
      // ? still describes every runner key, also those this step does not offer.
      moreKeys={[Command.LAB_RUN_CHECKS, Command.LAB_HINTS, Command.DOWN, Command.UP, Command.PAGE_DOWN, Command.PAGE_UP].filter(
        (c) => !hints.some((h) => (typeof h === 'string' ? h : h.command) === c),
      )}
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
        spacePages={!hasHints}
        gradingNote={grading.note}
        field={
          askUrl ? (
            <>
              <TextField
                label="API URL"
                value={askUrl.value}
                onChange={(value) => setAskUrl({ value })}
                onSubmit={submitUrl}
                onLeave={() => setAskUrl(undefined)}
              />
              {askUrl.error ? <Text color={theme.status.error}>{askUrl.error}</Text> : null}
            </>
          ) : undefined
        }
        fieldRows={askUrl ? (askUrl.error ? 2 : 1) : 0}
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
  /** Space pages the step's text (when it shows no hints). */
  spacePages: boolean;
  /** A text field under the check panel (the URL to grade) and the rows it takes. */
  field?: ReactNode;
  fieldRows: number;
}

/** Rows: the step list, a rule, the instructions (scrollable), a rule, the check panel. */
function Body({
  lab,
  stepIndex,
  states,
  saved,
  showHints,
  hasOwnScreen,
  top,
  setTop,
  gradingNote,
  spacePages,
  field,
  fieldRows,
}: BodyProps) {
  const { theme, glyphs, options } = useUi();
  const size = useBodySize();
  const width = size.width;
  const height = Math.max(4, size.height - fieldRows);
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
  const earlierPass = Boolean(saved?.steps[step.id]?.passed);
  const panel = checkPanel(step.checks.length, state, results, showHints, glyphs, hasOwnScreen, earlierPass);
  if (gradingNote && step.checks.length > 0 && state.status === 'idle') panel.splice(1, 0, { text: gradingNote, tone: 'muted' });
  const checkLines = panel.flatMap((l) => wrapLine(l, Math.max(20, width)));
  // The check panel gets what the instructions leave, and at least a third of the body; results (with
  // their hints) may take more, down to 3 rows of instructions.
  const panelFloor = state.status === 'done' ? height - stepRows - 2 - 2 : Math.floor(height / 3);
  let panelRows = Math.min(checkLines.length, Math.max(panelFloor, height - stepRows - 2 - instructions.length));
  // Results still taller than that end with a row saying so, never cut silently.
  const panelCut = checkLines.length > panelRows ? checkLines.length - panelRows + 1 : 0;
  if (panelCut) panelRows = Math.max(1, panelRows - 1);
  const instructionRows = Math.max(1, height - stepRows - panelRows - 2);
  // Text taller than its pane ends with a row that says how much more there is and how to get to it.
  const overflow = instructions.length > instructionRows;
  const textRows = overflow ? Math.max(1, instructionRows - 1) : instructionRows;
  const maxTop = Math.max(0, instructions.length - textRows);
  const shownTop = Math.min(top, maxTop);
  const below = instructions.length - shownTop - textRows;
  const moreRow = !overflow
    ? undefined
    : below > 0
      ? `${glyphs.arrowDown} ${below} more line${below === 1 ? '' : 's'}: PgDn${spacePages ? '/Space' : ''} or ${glyphs.arrowDown}${shownTop > 0 ? ', PgUp back' : ''}`
      : `${glyphs.arrowUp} end of this step's text: PgUp goes back up`;
  const scroll = (d: number) => setTop((t) => Math.max(0, Math.min(maxTop, Math.min(t, maxTop) + d)));
  useCommands(
    {
      [Command.DOWN]: () => scroll(1),
      [Command.UP]: () => scroll(-1),
      [Command.PAGE_DOWN]: () => scroll(Math.max(1, textRows - 1)),
      [Command.PAGE_UP]: () => scroll(-Math.max(1, textRows - 1)),
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
      {instructions.slice(shownTop, shownTop + textRows).map((l, i) => (
        <StyledLine key={shownTop + i} line={l} />
      ))}
      {moreRow ? <Text color={theme.text.muted}>{moreRow}</Text> : null}
      <Text color={theme.text.muted}>{glyphs.hr.repeat(Math.max(0, width))}</Text>
      {(panelCut
        ? [
            ...checkLines.slice(0, panelRows),
            {
              text: `${glyphs.arrowDown} ${panelCut} more line${panelCut === 1 ? '' : 's'} of results: a taller terminal shows them`,
              tone: 'muted' as const,
            },
          ]
        : checkLines
      ).map((l, i) => (
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
      {field}
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
  const prev = saved?.steps[id];
  // A run where no check could run (all skipped) changes nothing; a failed run never hides an earlier
  // pass, which still counts in the header (the panel says the last run failed).
  const ran = s?.status === 'done' ? s.results.filter((r) => !r.skipped) : [];
  if (ran.length) return ran.every((r) => r.ok) || prev?.passed ? glyphs.check : glyphs.cross;
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
  earlierPass: boolean,
): PanelLine[] {
  const lines: PanelLine[] = [];
  if (count === 0) {
    lines.push({ text: 'This step has no checks: read it, try the commands, then move on.', tone: 'muted' });
  } else if (state.status === 'idle') {
    lines.push({
      text: count === 1 ? '1 check for this step. Press Enter to run it.' : `${count} checks for this step. Press Enter to run them.`,
      tone: 'muted',
    });
  } else if (state.status === 'running') {
    lines.push({
      text: `Running checks… ${state.done}/${count}${state.note ? ` · check ${state.done + 1}: ${state.note}` : ''}`,
      tone: 'muted',
    });
  } else {
    const failed = results.filter((r) => !r.ok);
    const skipped = results.filter((r) => r.skipped);
    const ran = `${results.length - failed.length - skipped.length}/${results.length} checks passed`;
    const skips = skipped.length ? `, ${skipped.length} skipped` : '';
    const reasons = new Set(skipped.map((r) => r.skipped));
    if (skipped.length === results.length && reasons.size === 1) {
      // One reason for all (nothing listening at the URL): said once, not once per check.
      lines.push({ text: `No check could run, so nothing was graded or recorded: ${skipped[0]!.skipped}.`, tone: 'muted' });
      lines.push({ text: `- skipped: ${skipped.map((r) => r.kind).join(', ')}`, tone: 'muted' });
      if (hasOwnScreen) lines.push({ text: 'This lab has its own interactive screen: press o to open it.', tone: 'muted' });
      return lines;
    }
    lines.push(
      skipped.length === results.length
        ? { text: `No check could run here, so nothing was graded or recorded (why below).`, tone: 'muted' }
        : failed.length
          ? { text: `${ran}${skips}.`, tone: 'fail' }
          : skipped.length
            ? { text: `${ran}${skips}, none failed.`, tone: 'ok' }
            : { text: results.length === 1 ? 'The check passed.' : `All ${results.length} checks passed.`, tone: 'ok' },
    );
    if (failed.length && earlierPass)
      lines.push({ text: `${glyphs.check} This run failed, but your earlier pass of this step still counts.`, tone: 'ok' });
    for (const r of results) {
      if (r.skipped) lines.push({ text: `- skipped ${r.kind}: ${r.skipped}`, tone: 'muted' });
      else if (r.ok) lines.push({ text: `${glyphs.check} ${r.kind}`, tone: 'ok' });
      else {
        lines.push({ text: `${glyphs.cross} ${r.message}`, tone: 'fail' });
        if (r.detail) lines.push({ text: `    observed: ${r.detail}` });
        if (showHints && r.hint) lines.push({ text: `    hint: ${r.hint}`, tone: 'muted' });
      }
    }
    if (failed.some((r) => r.hint) && !showHints) lines.push({ text: 'Press Space for hints.', tone: 'muted' });
  }
  if (hasOwnScreen) lines.push({ text: 'This lab has its own interactive screen: press o to open it.', tone: 'muted' });
  return lines;
}
