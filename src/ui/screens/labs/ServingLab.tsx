// The serving lab's interactive screen: status of Ollama / the model server / the API, and panels to
// send a prompt, load-test, read /metrics and copy curl commands. All work happens in
// ServingLabSession (src/engines/labs/serving/session.ts); this component only renders its state.
import { Box, Text } from 'ink';
import { useEffect, useMemo, useRef, useState } from 'react';
import { PORTS_ENV, portsFromEnv, ServingLabSession, type ServingLabState } from '../../../engines/labs/serving/session.js';
import { progressBar, sparkline } from '../../components/charts.js';
import { useUi } from '../../contexts/UiContext.js';
import { KeypressPriority, useCommands } from '../../contexts/KeypressContext.js';
import { Command } from '../../keys/keyBindings.js';
import { Screen } from '../../layouts/Screen.js';
import { useBodySize } from '../../hooks/useBodySize.js';
import { TextField } from '../../questions/TextField.js';
import { shellCommandRows } from '../../markdown/shell.js';

/** What a lab screen leaves running for the lab steps (the same shape as KeptLabScreen in LabRunner.tsx). */
export interface KeptLabScreen {
  handle: unknown;
  apiUrl(): string | undefined;
  stop(): Promise<void>;
}

export interface LabScreenProps {
  contentRoot: string;
  home?: string;
  /** What this screen kept running when the learner last left it with k: it takes it over again. */
  kept?: KeptLabScreen;
  onExit(kept?: KeptLabScreen): void;
}

/** The example prompt: Enter on an empty prompt sends it (it is a placeholder, so typing replaces it). */
const EXAMPLE_PROMPT = 'Explain LoRA in one sentence.';

/** "the model server and the serving API": only what this screen started and still runs (a real Ollama is not ours). */
function runningChildren(s: ServingLabState): string[] {
  const busy = (status: string) => status === 'running' || status === 'starting';
  return [
    ...(s.backend.kind !== 'ollama' && busy(s.backend.status) ? ['the model server'] : []),
    ...(busy(s.api.status) ? ['the serving API'] : []),
  ];
}

type Panel = 'log' | 'prompt' | 'load' | 'curl' | 'metrics';

const HINTS = [Command.LAB_BACKEND, Command.LAB_API, Command.LAB_PROMPT, Command.LAB_LOAD_TEST, Command.LAB_CURL, Command.LAB_METRICS, Command.BACK];

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/(\s+)/)) {
      if ((line + word).length > width && line) {
        out.push(line.trimEnd());
        line = word.trimStart();
      } else line += word;
      while (line.length > width) {
        out.push(line.slice(0, width));
        line = line.slice(width);
      }
    }
    out.push(line);
  }
  return out;
}

const ms = (x?: number) => (x === undefined || Number.isNaN(x) ? '–' : `${x.toFixed(1)} ms`);

export default function ServingLab({ onExit, kept }: LabScreenProps) {
  // Default ports (DEFAULT_PORTS) unless FTLAB_SERVING_LAB_PORTS says otherwise; a taken port moves and
  // the screen says so under the status line. Servers kept running when the learner last left are taken over.
  const session = useMemo(() => {
    if (kept?.handle instanceof ServingLabSession) return kept.handle;
    const { ports, problem } = portsFromEnv(process.env[PORTS_ENV]);
    return new ServingLabSession({ ports, notice: problem });
  }, []);
  // Set when the learner leaves with k: the servers outlive this screen (the lab runner stops them later).
  const keeping = useRef(false);
  const [state, setState] = useState<ServingLabState>(session.state);
  const [panel, setPanel] = useState<Panel>('log');
  const [typing, setTyping] = useState(false);
  const [draft, setDraft] = useState('');
  // The last prompt sent (or the example) is the placeholder: Enter on an empty field sends it again.
  const [lastPrompt, setLastPrompt] = useState(EXAMPLE_PROMPT);
  // q/Esc go back to the lab's steps; with servers running, only after the learner says so (they stop).
  const [confirmLeave, setConfirmLeave] = useState(false);
  const leave = () => void session.dispose().then(() => onExit());
  const keepRunning = () => {
    keeping.current = true;
    onExit({
      handle: session,
      apiUrl: () => (session.state.api.status === 'running' ? session.state.api.url : undefined),
      stop: () => session.dispose(),
    });
  };
  const askToLeave = () => {
    if (runningChildren(session.state).length) setConfirmLeave(true);
    else leave();
  };
  useCommands(
    {
      [Command.CONFIRM]: leave,
      [Command.LAB_KEEP_RUNNING]: keepRunning,
      [Command.CANCEL]: () => setConfirmLeave(false),
      [Command.QUIT]: () => setConfirmLeave(false),
    },
    { isActive: confirmLeave, priority: KeypressPriority.Critical },
  );
  useEffect(() => {
    const onChange = (s: ServingLabState) => setState(s);
    session.on('change', onChange);
    void session.detect();
    return () => {
      session.off('change', onChange);
      if (!keeping.current) void session.dispose();
    };
  }, [session]);

  useCommands(
    {
      [Command.LAB_BACKEND]: () => void session.toggleBackend(),
      [Command.LAB_API]: () => void session.toggleApi(),
      [Command.LAB_PROMPT]: () => {
        setPanel('prompt');
        setDraft('');
        setTyping(true);
      },
      [Command.LAB_LOAD_TEST]: () => {
        setPanel('load');
        void session.loadTest();
      },
      [Command.LAB_CURL]: () => setPanel('curl'),
      [Command.LAB_METRICS]: () => {
        setPanel('metrics');
        void session.fetchMetrics();
      },
      [Command.LAB_PULL]: () => void session.pull(),
      [Command.BACK]: askToLeave,
      [Command.QUIT]: askToLeave,
    },
    { isActive: !typing && !confirmLeave, priority: KeypressPriority.Low },
  );

  const running = runningChildren(state);
  const them = running.length > 1 ? 'them' : 'it';
  const confirmHints = [
    { command: Command.CONFIRM, label: `stop ${them}` },
    { command: Command.LAB_KEEP_RUNNING, label: 'keep running' },
    { command: Command.CANCEL, label: 'stay' },
  ];
  return (
    <Screen
      title="Serving lab"
      status={state.model}
      // While typing a prompt only Enter and Esc work (Screen adds "Esc leave field").
      hints={confirmLeave ? confirmHints : typing ? [{ command: Command.SUBMIT, label: 'send' }] : HINTS}
      dialog={confirmLeave}
      moreKeys={[Command.LAB_PULL]}
      warnings={
        confirmLeave
          ? [
              `${running.join(' and ').replace(/^t/, 'T')} ${running.length > 1 ? 'are' : 'is'} running. Going back to the lab steps: y stops ${them}, k keeps ${them} running so the steps can grade the API (stopped when you leave the lab), n stays.`,
            ]
          : undefined
      }
    >
      <Body
        state={state}
        panel={panel}
        curl={session.curlCommands()}
        typing={typing}
        draft={draft}
        placeholder={lastPrompt}
        setDraft={setDraft}
        onSubmit={(v) => {
          setTyping(false);
          const prompt = v.trim() || lastPrompt;
          setLastPrompt(prompt);
          void session.sendPrompt(prompt);
        }}
        onLeave={() => setTyping(false)}
      />
    </Screen>
  );
}

interface BodyProps {
  state: ServingLabState;
  panel: Panel;
  curl: string[];
  typing: boolean;
  draft: string;
  placeholder: string;
  setDraft(v: string): void;
  onSubmit(v: string): void;
  onLeave(): void;
}

function Body({ state, panel, curl, typing, draft, placeholder, setDraft, onSubmit, onLeave }: BodyProps) {
  const { theme, glyphs, options } = useUi();
  const { width, height } = useBodySize();
  const status = (label: string, s: { status: string; url?: string; pid?: number; message?: string; notice?: string }, extra = '') => {
    const color = s.status === 'running' ? theme.status.success : s.status === 'failed' ? theme.status.error : theme.text.muted;
    const mark = s.status === 'running' ? glyphs.check : s.status === 'failed' ? glyphs.cross : glyphs.dot;
    const line = (
      <Text wrap="wrap">
        <Text color={color}>
          {mark} {label}: {s.status}
        </Text>
        {s.url ? ` ${s.url}` : ''}
        {s.pid ? ` (pid ${s.pid})` : ''}
        {extra}
        {s.status === 'failed' && s.message ? ` — ${s.message}` : ''}
      </Text>
    );
    // A moved port stays on screen while the server runs: the lesson's commands use the usual one.
    if (s.status !== 'running' || !s.notice) return line;
    return (
      <>
        {line}
        <Text wrap="wrap" color={theme.status.warning}>
          {'  '}! {s.notice}
        </Text>
      </>
    );
  };

  const o = state.ollama;
  const ollamaLine = o.reachable
    ? `Ollama ${o.version ?? ''} running at ${o.host} (${o.models.length} models)`
    : o.onPath
      ? `Ollama installed, not running at ${o.host}`
      : 'Ollama not installed — using the built-in backend';
  const noticeRows = [state.backend, state.api]
    .filter((p) => p.status === 'running' && p.notice)
    .reduce((n, p) => n + wrap(`  ! ${p.notice!}`, width).length, 0);
  // The status lines wrap (a URL, a pid, an error must be read whole): count the rows they take.
  const statusText = (label: string, p: { status: string; url?: string; pid?: number; message?: string }, extra = '') =>
    `x ${label}: ${p.status}${p.url ? ` ${p.url}` : ''}${p.pid ? ` (pid ${p.pid})` : ''}${extra}${p.status === 'failed' && p.message ? ` - ${p.message}` : ''}`;
  const backendExtra = state.backend.kind === 'ollama' ? ' (real Ollama)' : ' (ftlab backend)';
  const headerRows =
    wrap(ollamaLine, width).length +
    wrap(statusText('model server', state.backend, backendExtra), width).length +
    wrap(statusText('serving API', state.api), width).length +
    noticeRows +
    1;
  const panelRows = Math.max(3, height - headerRows - (typing ? 1 : 0));

  const sparkRow = (label: string, values: Array<number | null | undefined>, unit: (v: number) => string) => {
    const shown = values.map((v) => (v === undefined || v === null || Number.isNaN(v) ? null : v));
    const max = Math.max(0, ...shown.map((v) => v ?? 0));
    const lowMark = glyphs.spark[0];
    const highMark = glyphs.spark[glyphs.spark.length - 1];
    return wrap(
      `${label.padEnd(18)}${sparkline(shown, glyphs, max)}  (${shown.length} s; ${lowMark} 0, ${highMark} ${unit(Math.round(max * 10) / 10)})`,
      width,
    );
  };
  let body: string[] = [];
  if (panel === 'log') body = state.log.length ? state.log.flatMap((l) => wrap(l, width)) : ['Press b to start the model server, then a for the API, then p to send a prompt.'];
  // Commands too long for a row are broken with " \" continuations, so a copied command stays one command.
  if (panel === 'curl')
    body = ['Equivalent commands (copy them into another terminal):', '', ...curl.flatMap((c) => ['', ...shellCommandRows(c, width)]).slice(1)];
  // /metrics values wrap: the count at the end of a long labelled line must stay readable.
  if (panel === 'metrics')
    body = state.metrics?.length
      ? state.metrics.flatMap((l) => {
          // name{labels} value: a continuation row is indented, so each metric still reads as one entry.
          const [head] = wrap(l, width);
          const rest = l.slice(head!.length).trimStart();
          return rest ? [head!, ...wrap(rest, Math.max(1, width - 4)).map((row) => `    ${row}`)] : [head!];
        })
      : ['No metrics yet: start the API (a), send traffic, then press m again.'];
  if (panel === 'prompt' && state.prompt) {
    const p = state.prompt;
    const meta =
      p.status === 'error'
        ? `error: ${p.error}`
        : `first token ${ms(p.firstTokenMs)} · total ${ms(p.latencyMs)}${p.usage ? ` · tokens ${p.usage.prompt_tokens} in / ${p.usage.completion_tokens} out` : ''}${p.status === 'streaming' ? ' · streaming…' : ''}`;
    body = [`> ${p.prompt}`, ...wrap(p.text || '…', width), '', meta];
  }
  if (panel === 'load') {
    const lt = state.loadTest;
    body = lt
      ? [
          `${progressBar(lt.done, lt.total, Math.min(40, width - 20), glyphs)} ${lt.done}/${lt.total} requests (${lt.concurrency} at a time)${lt.status === 'running' ? '…' : ''}`,
          `p50 ${ms(lt.p50)}   p99 ${ms(lt.p99)}   ${lt.rps?.toFixed(1) ?? '–'} req/s   errors ${lt.errors}`,
          '',
          // Each sparkline says its scale: one mark per second of the test, the lowest mark 0.
          ...sparkRow('req/s per second', lt.series.map((x) => x.requests), (v) => `${v} req/s`),
          ...sparkRow('p99 per second', lt.series.map((x) => x.p99), (v) => ms(v)),
        ]
      : ['Press L to run a bounded load test (200 requests, 8 at a time, at most 15 s).'];
  }
  if (state.pull) {
    const pl = state.pull;
    body = [...body, '', `pull ${pl.model}: ${pl.status} ${pl.total ? progressBar(pl.completed, pl.total, 30, glyphs) : ''}${pl.error ? ` — ${pl.error}` : ''}`];
  }

  return (
      <Box flexDirection="column">
      <Text wrap="wrap" color={o.reachable ? theme.status.success : theme.text.secondary}>
        {ollamaLine}
      </Text>
      {status('model server', state.backend, backendExtra)}
      {status('serving API', state.api)}
      <Text color={theme.text.muted}>{options.screenReader ? '' : glyphs.hr.repeat(Math.max(0, width))}</Text>
      {typing ? (
        <TextField
          label="Prompt"
          value={draft}
          placeholder={`${placeholder} (Enter sends this)`}
          onChange={setDraft}
          onSubmit={onSubmit}
          onLeave={onLeave}
        />
      ) : null}
      {body.slice(-panelRows).map((line, i) => (
        // A blank line is a space: an empty <Text> takes no row in Ink.
        <Text key={i} wrap="truncate-end">
          {line || ' '}
        </Text>
      ))}
    </Box>
  );
}
