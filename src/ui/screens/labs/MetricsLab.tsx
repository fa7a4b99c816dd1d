// The metrics lab's own screen: both systems scored side by side, a per-item table sortable by
// score, one item with its matched n-grams highlighted, the brevity penalty step by step, a
// paraphrase that n-gram metrics under-score (and what BERTScore does instead), the graded
// questions, and the learner's own files. The numbers come from src/engines/labs/metrics (ftlab's metrics
// engine); this component only renders them and stores answers.
import { Box, Text } from 'ink';
import { join, resolve } from 'node:path';
import { useEffect, useMemo, useRef, useState, type ReactElement } from 'react';
import { answersPath, readAnswers, resolveHome, updateAnswers } from '../../../engines/labs/metrics/answers.js';
import { loadSet, scoreSet, SETS, type ScoredItem, type SetName, type SystemSummary } from '../../../engines/labs/metrics/data.js';
import { describeReport } from '../../../engines/labs/metrics/own-scorer.js';
import { TASKS, type Question } from '../../../engines/labs/metrics/tasks.js';
import { BERTSCORE_NOTE, brevityWalkthrough, loadOwnFile, markMatches, PARAPHRASE_IDS, SORTS, sortItems, type OwnFileResult, type SortKey } from '../../../engines/labs/metrics/view.js';
import { useUi } from '../../contexts/UiContext.js';
import { KeypressPriority, useCommands } from '../../contexts/KeypressContext.js';
import { Command } from '../../keys/keyBindings.js';
import { Screen } from '../../layouts/Screen.js';
import { useBodySize } from '../../hooks/useBodySize.js';
import { TextField } from '../../questions/TextField.js';
import { lineText, textWidth, wrapSpans } from '../../markdown/text.js';
import { StyledLine } from '../../components/StyledLine.js';

export interface LabScreenProps {
  contentRoot: string;
  home?: string;
  onExit(): void;
}

const VIEWS = ['overview', 'items', 'item', 'brevity', 'paraphrase', 'questions', 'own'] as const;
type View = (typeof VIEWS)[number];
const VIEW_TITLES: Record<View, string> = {
  overview: 'Scores',
  items: 'Items',
  item: 'Matches',
  brevity: 'Brevity penalty',
  paraphrase: 'Paraphrase',
  questions: 'Questions',
  own: 'Your files',
};

const HINTS = [
  { command: Command.RIGHT, label: 'next view', help: 'next view (scores, items, matches, brevity penalty, …)' },
  { command: Command.NEXT_FIELD, label: 'switch set', help: 'switch between the summarisation and translation sets' },
  { command: Command.SELECT, label: 'open / answer', help: 'items view: open the item; questions and your-files views: type an answer or a path' },
  { command: Command.TOGGLE, label: 'sort', help: 'items view: cycle the sort (id, BLEU of each system, ROUGE-L gain)' },
  Command.BACK,
  { command: Command.QUIT, label: 'lab steps', help: 'back to the lab steps (ftlab keeps running)' },
];

const f4 = (x: number) => x.toFixed(4);
const f2 = (x: number) => x.toFixed(2);
const pad = (s: string, n: number) => (s.length >= n ? s.slice(0, n) : s + ' '.repeat(n - s.length));

/** Seeds of the questions: the stored ones, else new ones that are stored so a question never changes. */
function questionSeeds(path: string): Record<string, number> {
  const data = readAnswers(path);
  const seeds: Record<string, number> = {};
  const fresh: Record<string, number> = {};
  for (const t of TASKS) {
    const s = data.answers[t.id]?.seed ?? data.seeds[t.id];
    if (s !== undefined) seeds[t.id] = s;
    else seeds[t.id] = fresh[t.id] = 1 + Math.floor(Math.random() * (2 ** 31 - 2));
  }
  if (Object.keys(fresh).length) updateAnswers(path, (a) => Object.assign(a.seeds, fresh));
  return seeds;
}

/** The body size is only known inside <Screen>; this hands it to a render function. */
function WithBodySize({ children }: { children: (size: { width: number; height: number }) => ReactElement }) {
  return children(useBodySize());
}

export default function MetricsLab({ contentRoot, home, onExit }: LabScreenProps) {
  const labDir = join(contentRoot, 'labs', 'metrics');
  const { theme, options, glyphs } = useUi();
  const plainMarks = options.noColor || options.screenReader;

  const data = useMemo(() => {
    try {
      return { ok: true as const, sets: Object.fromEntries(SETS.map((s) => [s, scoreSet(loadSet(labDir, s))])) as Record<SetName, ReturnType<typeof scoreSet>> };
    } catch (err) {
      return { ok: false as const, error: (err as Error).message };
    }
  }, [labDir]);

  const [view, setView] = useState<View>('overview');
  const [set, setSet] = useState<SetName>('summarisation');
  const [sort, setSort] = useState<SortKey>('id');
  const [row, setRow] = useState(0);
  const [order, setOrder] = useState(1);
  const [qIndex, setQIndex] = useState(0);
  const [typing, setTyping] = useState(false);
  const [draft, setDraft] = useState('');
  const [path, setPath] = useState<string | undefined>();
  const [seeds, setSeeds] = useState<Record<string, number>>({});
  const [feedback, setFeedback] = useState<Record<string, { ok: boolean; text: string }>>({});
  const [own, setOwn] = useState<OwnFileResult | undefined>();
  // Views taller than the body scroll (PgDn/Space, PgUp, and ↑/↓ where they select nothing).
  const [scroll, setScroll] = useState(0);
  const maxScroll = useRef(0);
  const scrollBy = (d: number) => setScroll((t) => Math.max(0, Math.min(maxScroll.current, Math.min(t, maxScroll.current) + d)));

  useEffect(() => {
    let live = true;
    void resolveHome(home).then((h) => {
      if (!live) return;
      const p = answersPath(h);
      setPath(p);
      try {
        setSeeds(questionSeeds(p));
      } catch {
        /* the store folder is not writable: questions still show, answers cannot be kept */
      }
    });
    return () => {
      live = false;
    };
  }, [home]);

  const sorted = useMemo(() => (data.ok ? sortItems(data.sets[set].items, sort) : []), [data, set, sort]);
  const questions: Question[] = useMemo(() => (data.ok && Object.keys(seeds).length ? TASKS.map((t) => t.question(labDir, seeds[t.id])) : []), [data, seeds, labDir]);

  const submit = (text: string) => {
    setTyping(false);
    if (view === 'own') {
      const p = resolve(text.trim());
      const result = loadOwnFile(labDir, p);
      setOwn(result);
      if (result.kind === 'scores' && path) updateAnswers(path, (a) => void (a.scores_file = p));
      return;
    }
    const q = questions[qIndex];
    const def = TASKS.find((t) => t.id === q?.task);
    if (!q || !def || !path) return;
    try {
      const answer = def.parse(text, q);
      updateAnswers(path, (a) => {
        a.answers[q.task] = { seed: q.seed, answer, at: new Date().toISOString() };
        delete a.seeds[q.task];
      });
      const g = def.grade(answer, q, labDir);
      setFeedback((fb) => ({ ...fb, [q.task]: { ok: g.ok, text: g.ok ? `correct: ${g.detail}` : `not yet: ${g.detail}` } }));
    } catch (err) {
      setFeedback((fb) => ({ ...fb, [q.task]: { ok: false, text: (err as Error).message } }));
    }
  };

  const move = (delta: number) => {
    if (view === 'items') setRow((r) => Math.max(0, Math.min(sorted.length - 1, r + delta)));
    else if (view === 'item') setOrder((o) => Math.max(1, Math.min(4, o - delta)));
    else if (view === 'questions') setQIndex((i) => Math.max(0, Math.min(questions.length - 1, i + delta)));
    else scrollBy(delta);
  };
  const page = useRef(10);
  const showView = (f: (v: View) => View) => {
    setView(f);
    setScroll(0);
  };

  useCommands(
    {
      [Command.RIGHT]: () => showView((v) => VIEWS[(VIEWS.indexOf(v) + 1) % VIEWS.length]!),
      [Command.LEFT]: () => showView((v) => VIEWS[(VIEWS.indexOf(v) + VIEWS.length - 1) % VIEWS.length]!),
      [Command.NEXT_FIELD]: () => {
        setSet((s) => (s === 'summarisation' ? 'translation' : 'summarisation'));
        setRow(0);
        setScroll(0);
      },
      [Command.UP]: () => move(-1),
      [Command.DOWN]: () => move(1),
      [Command.TOGGLE]: () => {
        if (view === 'items') setSort((s) => SORTS[(SORTS.indexOf(s) + 1) % SORTS.length]);
        else scrollBy(page.current);
      },
      [Command.PAGE_DOWN]: () => scrollBy(page.current),
      [Command.PAGE_UP]: () => scrollBy(-page.current),
      [Command.SELECT]: () => {
        if (view === 'items') setView('item');
        else if (view === 'questions' || view === 'own') {
          setDraft('');
          setTyping(true);
        } else return false;
      },
      [Command.BACK]: () => {
        if (view === 'item') setView('items');
        else onExit();
      },
      // q goes back to the lab's steps (not out of ftlab), as on every lab screen.
      [Command.QUIT]: () => onExit(),
    },
    { isActive: !typing, priority: KeypressPriority.Normal },
  );

  if (!data.ok) {
    return (
      <Screen title="Metrics lab" hints={[Command.BACK]}>
        <Text color={theme.status.error}>The lab data could not be loaded: {data.error}</Text>
      </Screen>
    );
  }

  const renderBody = (width: number, height: number): ReactElement[] => {
    const sets = data.sets;
    const current = sets[set];
    const item: ScoredItem | undefined = sorted[Math.min(row, sorted.length - 1)];
    const lines: ReactElement[] = [];
    // Every line wraps to the body width (a continuation row keeps the line's indent), never cut with "…":
    // prose, file names and numbers must be read whole. Rows, not elements, are counted for scrolling.
    const text = (s: string, key: string, color?: string): ReactElement[] => {
      const indent = /^ */.exec(s)![0];
      const rest = s.slice(indent.length);
      if (!rest) return [<Text key={key}> </Text>];
      // A line that fits keeps its own spacing (aligned columns); only longer ones are wrapped.
      if (textWidth(s) <= width)
        return [
          <Text key={key} color={color}>
            {s}
          </Text>,
        ];
      return wrapSpans([{ text: rest }], width, [{ text: indent }], [{ text: indent }]).map((row, i) => (
        <Text key={`${key}.${i}`} color={color}>
          {lineText(row)}
        </Text>
      ));
    };

    if (view === 'overview') {
      lines.push(...text(`Mean scores per system (sentence BLEU as sacrebleu's sentence_bleu, ROUGE as rouge-score, chrF as sacrebleu)`, 'h'));
      for (const s of SETS) {
        const sys = sets[s].systems;
        lines.push(...text('', `${s}-gap`), ...text(`${s} (${sets[s].items.length} items)`, `${s}-t`, theme.text.accent));
        lines.push(...text(`${pad('system', 11)} ${pad('corpus BLEU', 12)} ${pad('BLEU', 7)} ${pad('ROUGE-1', 8)} ${pad('ROUGE-2', 8)} ${pad('ROUGE-L', 8)} chrF`, `${s}-hd`, theme.text.muted));
        for (const name of ['base', 'finetuned'] as const) {
          const x: SystemSummary = sys[name];
          lines.push(...text(`${pad(name, 11)} ${pad(f2(x.corpusBleu.score), 12)} ${pad(f2(x.bleu), 7)} ${pad(f4(x.rouge1), 8)} ${pad(f4(x.rouge2), 8)} ${pad(f4(x.rougeL), 8)} ${f2(x.chrf)}`, `${s}-${name}`));
        }
      }
      lines.push(...text('', 'gap'), ...text('→ items (sortable), matched n-grams, brevity penalty, paraphrase, graded questions, your files', 'n', theme.text.muted));
    }

    if (view === 'items') {
      lines.push(...text(`${set}: sorted by ${sort} (space: change sort, enter: open)`, 'h', theme.text.accent));
      lines.push(...text(`${pad('id', 8)} ${pad('BLEU base', 10)} ${pad('BLEU ft', 8)} ${pad('R-L base', 9)} ${pad('R-L ft', 7)}`, 'hd', theme.text.muted));
      const visible = Math.max(1, height - 3);
      const start = Math.max(0, Math.min(row - Math.floor(visible / 2), sorted.length - visible));
      sorted.slice(start, start + visible).forEach((it, i) => {
        const sel = start + i === row;
        const sc = it.scores;
        lines.push(
          ...text(
            `${sel ? '>' : ' '}${pad(it.id, 7)} ${pad(f2(sc.base.bleu.score), 10)} ${pad(f2(sc.finetuned.bleu.score), 8)} ${pad(f4(sc.base.rouge.rougeL.fmeasure), 9)} ${f4(sc.finetuned.rouge.rougeL.fmeasure)}`,
            it.id,
            sel ? theme.text.accent : undefined,
          ),
        );
      });
    }

    // Tokens after a 10-column label, matched ones marked; wrapped rows hang under the first token.
    const tokenRows = (label: string, tokens: ReadonlyArray<{ text: string; matched: boolean }>, key: string, bold: boolean) =>
      wrapSpans(
        tokens.flatMap((t, i) => [
          ...(i ? [{ text: ' ' }] : []),
          { text: plainMarks && t.matched ? `[${t.text}]` : t.text, color: t.matched ? theme.status.success : undefined, bold: bold && t.matched },
        ]),
        width,
        [{ text: pad(label, 10) }],
        [{ text: ' '.repeat(10) }],
      ).map((row, i) => <StyledLine key={`${key}.${i}`} line={row} />);

    if (view === 'item' && item) {
      lines.push(...text(`${set} ${item.id}: matched ${order}-grams (↑/↓ changes n), 13a tokens`, 'h', theme.text.accent));
      for (const sys of ['base', 'finetuned'] as const) {
        const m = markMatches(item[sys], item.reference, order);
        lines.push(...text('', `${sys}-gap`));
        lines.push(...tokenRows(sys, m.hyp, `${sys}-toks`, true));
        lines.push(...text(`${' '.repeat(10)}${order}-gram precision ${m.matched}/${m.total}, sentence BLEU ${f2(item.scores[sys].bleu.score)}, ROUGE-L F ${f4(item.scores[sys].rouge.rougeL.fmeasure)}`, `${sys}-p`, theme.text.muted));
      }
      lines.push(...text('', 'r-gap'));
      const refMarks = markMatches(item.finetuned, item.reference, order).ref;
      lines.push(...tokenRows('reference', refMarks, 'ref', false));
      lines.push(...text(plainMarks ? '[brackets] mark tokens inside a matched n-gram' : 'green tokens sit inside a matched n-gram', 'legend', theme.text.muted));
    }

    if (view === 'brevity') {
      const w = brevityWalkthrough(current.items);
      lines.push(...text(`${set}: the output with the harshest brevity penalty, step by step`, 'h', theme.text.accent));
      if (w) w.lines.forEach((l, i) => lines.push(...text(l, `b${i}`)));
      else lines.push(...text('No output in this set is shorter than its reference.', 'none'));
    }

    if (view === 'paraphrase') {
      lines.push(...text('Paraphrases that n-gram metrics under-score (fine-tuned outputs, translation set)', 'h', theme.text.accent));
      for (const id of PARAPHRASE_IDS) {
        const it = sets.translation.items.find((x) => x.id === id);
        if (!it) continue;
        const s = it.scores.finetuned;
        lines.push(...text('', `${id}-g`), ...text(`${id} output:    ${it.finetuned}`, `${id}-o`), ...text(`${id} reference: ${it.reference}`, `${id}-r`));
        lines.push(...text(`      sentence BLEU ${f2(s.bleu.score)}, ROUGE-L F ${f4(s.rouge.rougeL.fmeasure)}, chrF ${f2(s.chrf)}`, `${id}-s`, theme.text.muted));
      }
      lines.push(...text('', 'gap'));
      lines.push(...text(BERTSCORE_NOTE.join(' '), 'bn'));
    }

    if (view === 'questions') {
      if (!questions.length) lines.push(...text('Loading the questions…', 'l'));
      questions.forEach((q, i) => {
        const sel = i === qIndex;
        const stored = path ? readAnswers(path).answers[q.task] : undefined;
        const fb = feedback[q.task];
        const mark = fb ? (fb.ok ? glyphs.right : glyphs.wrong) : stored ? glyphs.bullet : ' ';
        lines.push(...text(`${sel ? '>' : ' '}${mark} ${TASKS[i].title}`, `q${i}`, sel ? theme.text.accent : undefined));
        if (!sel) return;
        lines.push(...text(`    ${q.text}`, `q${i}-t`));
        if (q.item) {
          lines.push(...text(`    output:    ${q.item.hypothesis}`, `q${i}-o`));
          lines.push(...text(`    reference: ${q.item.reference}`, `q${i}-r`));
        }
        q.choices?.forEach((c, k) => lines.push(...text(`    ${String.fromCharCode(97 + k)}) ${c.label}`, `q${i}-c${k}`)));
        lines.push(...text(`    answer as ${q.format}${stored ? ` · stored: ${JSON.stringify(stored.answer)}` : ''}`, `q${i}-f`, theme.text.muted));
        if (fb) lines.push(...text(`    ${fb.text}`, `q${i}-fb`, fb.ok ? theme.status.success : theme.status.error));
      });
      lines.push(...text('enter: answer the selected question · graded again by `ftlab lab verify metrics`', 'qh', theme.text.muted));
    }

    if (view === 'own') {
      lines.push(...text('Load your own file (enter, then type its path):', 'h', theme.text.accent));
      lines.push(...text('  scores JSONL {"id","system","bleu","rougeL"} for the translation set → graded item by item', 'h1'));
      lines.push(...text('  pairs JSONL {"prediction","reference"} → scored with BLEU, ROUGE-L and chrF', 'h2'));
      if (own?.kind === 'error') lines.push(...text(own.message, 'err', theme.status.error));
      if (own?.kind === 'scores') describeReport(own.report, Math.max(1, height - 8)).split('\n').forEach((l, i) => lines.push(...text(l, `r${i}`, own.report.ok ? theme.status.success : undefined)));
      if (own?.kind === 'pairs') {
        lines.push(...text(`${own.count} pairs: mean sentence BLEU ${f2(own.bleu)}, ROUGE-L F ${f4(own.rougeL)}, chrF ${f2(own.chrf)}`, 'p', theme.status.success));
        own.rows.slice(0, Math.max(0, height - 8)).forEach((r, i) => lines.push(...text(`  ${pad(String(i + 1), 4)} ${pad(f2(r.bleu), 7)} ${pad(f4(r.rougeL), 7)} ${r.prediction}`, `pr${i}`)));
      }
    }

    return lines;
  };

  const status = `${VIEW_TITLES[view]} · ${set}`;
  // Space sorts the items view and pages every other view.
  const viewHints = view === 'items' ? HINTS : HINTS.map((h) => (typeof h !== 'string' && h.command === Command.TOGGLE ? { ...h, label: 'more' } : h));
  // While typing an answer or a path only Enter and Esc work (Screen adds "Esc leave field").
  const hints = typing ? [{ command: Command.SUBMIT, label: view === 'own' ? 'load' : 'answer' }] : viewHints;
  return (
    <Screen title="Metrics lab" status={status} hints={hints} moreKeys={[Command.LEFT, Command.UP, Command.DOWN, Command.PAGE_DOWN, Command.PAGE_UP]}>
      <WithBodySize>
        {({ width, height }) => (
          <Box flexDirection="column">
            {(() => {
              const all = renderBody(width, height);
              const room = Math.max(1, height - (typing ? 2 : 0));
              if (all.length <= room) {
                maxScroll.current = 0;
                return all;
              }
              // One row says what is further down (or up), so nothing is silently cut off.
              maxScroll.current = all.length - (room - 1);
              page.current = Math.max(1, room - 2);
              const from = Math.min(scroll, maxScroll.current);
              const below = all.length - from - (room - 1);
              const more =
                below > 0
                  ? `${glyphs.arrowDown} ${below} more line${below === 1 ? '' : 's'}: PgDn/Space${from > 0 ? ', PgUp back' : ''}`
                  : `${glyphs.arrowUp} end of this view: PgUp goes back up`;
              return [
                ...all.slice(from, from + room - 1),
                <Text key="more" color={theme.text.muted}>
                  {more}
                </Text>,
              ];
            })()}
            {typing ? <TextField
                value={draft}
                onChange={setDraft}
                onSubmit={submit}
                onLeave={() => setTyping(false)}
                label={view === 'own' ? 'File' : 'Answer'}
              /> : null}
          </Box>
        )}
      </WithBodySize>
    </Screen>
  );
}
