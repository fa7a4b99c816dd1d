// Check kinds of the LoRA lab (`ftlab lab verify lora --adapter DIR`). Each grades an adapter folder
// for the lab's base model — one trained by ftlab or by real PEFT — from the files alone. The engine is
// imported inside run() so that content validation, which loads this table, stays light.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { CheckContext, CheckKind, CheckKindTable, CheckOutcome } from '../types.js';

const engine = async () => ({
  io: await import('../../llm/io.js'),
  data: await import('../../llm/data.js'),
  evalm: await import('../../llm/eval.js'),
  gen: await import('../../llm/generate.js'),
  lora: await import('../../llm/lora.js'),
  rng: await import('../../llm/rng.js'),
  task: await import('./task.js'),
});

function labPath(ctx: CheckContext, p: unknown, fallback: string): string {
  const s = typeof p === 'string' && p ? p : fallback;
  return isAbsolute(s) ? s : join(ctx.labDir, s);
}

function adapterDir(ctx: CheckContext): string | null {
  const a = ctx.options.adapter;
  if (a) return resolve(a);
  // `ftlab train` writes here by default
  return existsSync(resolve('ftlab-lora-out', 'adapter_config.json')) ? resolve('ftlab-lora-out') : null;
}

const NO_ADAPTER: CheckOutcome = { ok: false, detail: 'no adapter folder given: pass --adapter DIR (the folder `ftlab train --out DIR` wrote)' };

async function loadBoth(ctx: CheckContext, args: Record<string, unknown>) {
  const e = await engine();
  const dir = adapterDir(ctx);
  if (!dir) return { e, error: NO_ADAPTER } as const;
  // a QLoRA adapter is graded on the NF4 base it was trained against (its safetensors metadata says so)
  const base = e.io.loadModel(labPath(ctx, args.base, 'base'), e.io.adapterBaseQuantization(dir) ?? {});
  try {
    const { adapter, bytes } = e.io.loadAdapter(dir, base.model.config);
    return { e, base, adapter, bytes, dir } as const;
  } catch (err) {
    return { e, error: { ok: false, detail: (err as Error).message } } as const;
  }
}

const numArg = (name: string, lo: number, hi: number) => (args: Record<string, unknown>) =>
  typeof args[name] === 'number' && (args[name] as number) >= lo && (args[name] as number) <= hi ? [] : [`"${name}" must be a number in [${lo}, ${hi}]`];

const adapterLayout: CheckKind = {
  description: 'the adapter folder is a valid PEFT LoRA adapter for the lab base (config keys, tensor names and shapes)',
  async run(ctx, args) {
    const r = await loadBoth(ctx, args);
    if ('error' in r) return r.error as CheckOutcome;
    const { adapter, bytes, dir } = r;
    return {
      ok: true,
      detail: `${dir}: r=${adapter.config.r}, alpha=${adapter.config.alpha}, targets ${adapter.config.targets.join(',')}, ${adapter.modules.length} modules, ${bytes} bytes`,
      data: { r: adapter.config.r, alpha: adapter.config.alpha, targets: adapter.config.targets, modules: adapter.modules.length, bytes },
    };
  },
};

const trainableShare: CheckKind = {
  description: 'the adapter trains only a small share of the parameters (PEFT trainable%)',
  validateArgs: numArg('max_pct', 0, 100),
  async run(ctx, args) {
    const r = await loadBoth(ctx, args);
    if ('error' in r) return r.error as CheckOutcome;
    const trainable = r.adapter.params.size;
    const all = r.base.model.baseParamCount() + trainable;
    const pct = (100 * trainable) / all;
    const max = args.max_pct as number;
    return { ok: pct < max, detail: `trainable params: ${trainable.toLocaleString('en-US')} || all params: ${all.toLocaleString('en-US')} || trainable%: ${pct.toFixed(4)} (limit ${max} %)`, data: { trainable, all, pct } };
  },
};

const valImproves: CheckKind = {
  description: 'validation loss with the adapter is lower than the base model alone by at least min_drop nats',
  validateArgs: (a) => [...numArg('min_drop', 0, 100)(a), ...(typeof a.data === 'string' ? [] : ['"data" must name a JSONL file in the lab folder'])],
  async run(ctx, args) {
    const r = await loadBoth(ctx, args);
    if ('error' in r) return r.error as CheckOutcome;
    const { e, base, adapter } = r;
    const file = labPath(ctx, args.data, 'data/val.jsonl');
    const { examples } = e.data.encodeDataset(base.tokenizer, e.data.readJsonl(file), base.model.config.maxPositions, file);
    const before = e.evalm.evaluateLoss(base.model, examples, base.tokenizer.eosId).loss;
    base.model.adapter = adapter;
    const after = e.evalm.evaluateLoss(base.model, examples, base.tokenizer.eosId).loss;
    const drop = before - after;
    const min = args.min_drop as number;
    return { ok: drop >= min, detail: `validation loss ${before.toFixed(4)} → ${after.toFixed(4)} (drop ${drop.toFixed(4)}, needed ≥ ${min})`, data: { before, after, drop } };
  },
};

const baseUnchanged: CheckKind = {
  description: 'the shipped base model files are byte-for-byte the ones the lab was built with (LoRA never edits the base)',
  validateArgs: (a) => (a.sha256 && typeof a.sha256 === 'object' ? [] : ['"sha256" must map base file names to their SHA-256']),
  async run(ctx, args) {
    const want = args.sha256 as Record<string, string>;
    const bad: string[] = [];
    for (const [file, hash] of Object.entries(want)) {
      const p = labPath(ctx, join(typeof args.base === 'string' ? args.base : 'base', file), '');
      if (!existsSync(p)) {
        bad.push(`${file} is missing`);
        continue;
      }
      const got = createHash('sha256').update(readFileSync(p)).digest('hex');
      if (got !== hash) bad.push(`${file} changed (sha256 ${got.slice(0, 12)}…, expected ${hash.slice(0, 12)}…)`);
    }
    return { ok: bad.length === 0, detail: bad.length ? bad.join('; ') : `${Object.keys(want).length} base files unchanged` };
  },
};

const mergeEquals: CheckKind = {
  description: 'merging W + (alpha/r)·B·A gives the same outputs as base + adapter on random probes',
  validateArgs: numArg('tolerance', 0, 1),
  async run(ctx, args) {
    const r = await loadBoth(ctx, args);
    if ('error' in r) return r.error as CheckOutcome;
    const { e, base, adapter } = r;
    const rng = new e.rng.Rng(ctx.seed);
    const merged = new e.gen.InferenceModel(base.model, adapter);
    base.model.adapter = adapter;
    const V = base.model.config.vocabSize;
    let worst = 0;
    for (let probe = 0; probe < 3; probe++) {
      // random printable text of random length: nothing to memorise
      const len = 8 + rng.int(40);
      const text = Array.from({ length: len }, () => String.fromCharCode(32 + rng.int(95))).join('');
      const ids = base.tokenizer.encode(text);
      base.model.forward(Int32Array.from(ids), null, 1, ids.length);
      const ref = base.model.lastLogits(1, ids.length);
      const cache = merged.newCache(ids.length);
      ids.forEach((id, t) => {
        const l = merged.step(id, cache);
        for (let v = 0; v < V; v++) worst = Math.max(worst, Math.abs(l[v] - ref[t * V + v]));
      });
    }
    const tol = args.tolerance as number;
    return { ok: worst <= tol, detail: `max |logit difference| merged vs base+adapter: ${worst.toExponential(2)} (tolerance ${tol})`, data: { max_abs_diff: worst } };
  },
};

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

const formatCompliance: CheckKind = {
  description: 'with the adapter, greedy answers to held-out tickets follow the answer format (one "label: value" line per label)',
  validateArgs: (a) => [...numArg('min', 0, 1)(a), ...numArg('sample', 1, 10000)(a)],
  async run(ctx, args) {
    const r = await loadBoth(ctx, args);
    if ('error' in r) return r.error as CheckOutcome;
    const { e, base, adapter } = r;
    const file = labPath(ctx, args.data, 'data/heldout.jsonl');
    const records = e.data.readJsonl(file);
    // a seeded random subset, so a different set of prompts is asked on every verify run
    const rng = new e.rng.Rng(ctx.seed);
    const pick = rng.shuffle(records.slice()).slice(0, args.sample as number);
    const im = new e.gen.InferenceModel(base.model, adapter);
    const rep = await e.task.scoreTickets(im, base.tokenizer, pick, {
      task: e.task.taskOfRecords(records),
      signal: ctx.signal,
      onProgress: (done, total) => ctx.progress?.(`answering sampled held-out tickets with the adapter: ${done}/${total}`),
    });
    const min = args.min as number;
    const firstBad = rep.samples.find((s) => !s.format_ok);
    return {
      ok: rep.format_compliance >= min,
      detail: `format compliance ${pct(rep.format_compliance)} on ${rep.n} held-out tickets (needed ≥ ${100 * min} %)${firstBad ? `; e.g. line ${firstBad.line} got ${JSON.stringify(firstBad.output.slice(0, 60))}` : ''} (whether the labels are right is graded by lora-label-accuracy)`,
      data: { format_compliance: rep.format_compliance, n: rep.n },
    };
  },
};

// The base model's answers depend only on the base, the data and how the base is held: scored once per
// process (the lab runner grades again after every run).
const baseReports = new Map<string, Promise<import('./task.js').TicketReport>>();

const labelAccuracy: CheckKind = {
  description:
    'with the adapter, the labels of the held-out answers are right: each label at least min_accuracy and at least min_margin above the majority baseline (always answering the most common value)',
  validateArgs: (a) => [
    ...numArg('min_accuracy', 0, 1)(a),
    ...numArg('min_margin', 0, 1)(a),
    ...(typeof a.data === 'string' ? [] : ['"data" must name a JSONL file in the lab folder']),
  ],
  async run(ctx, args) {
    const r = await loadBoth(ctx, args);
    if ('error' in r) return r.error as CheckOutcome;
    const { e, base, adapter, dir } = r;
    const file = labPath(ctx, args.data, 'data/heldout.jsonl');
    const records = e.data.readJsonl(file);
    const task = e.task.taskOfRecords(records);
    const rule = { minAccuracy: args.min_accuracy as number, minMargin: args.min_margin as number };
    const rep = await e.task.scoreTickets(new e.gen.InferenceModel(base.model, adapter), base.tokenizer, records, {
      task,
      signal: ctx.signal,
      onProgress: (done, total) => ctx.progress?.(`answering the held-out tickets with the adapter: ${done}/${total}`),
    });
    const quant = e.io.adapterBaseQuantization(dir);
    const key = JSON.stringify([base.dir, file, quant]);
    let basePromise = baseReports.get(key);
    if (!basePromise) {
      basePromise = e.task.scoreTickets(new e.gen.InferenceModel(base.model, null), base.tokenizer, records, {
        task,
        signal: ctx.signal,
        onProgress: (done, total) => ctx.progress?.(`answering them with the base model alone, for comparison: ${done}/${total}`),
      });
      baseReports.set(key, basePromise);
      basePromise.catch(() => baseReports.delete(key));
    }
    const baseRep = await basePromise;
    const verdict = e.task.gradeLabels(rep, rule);
    const parts = verdict.labels.map(
      (l) =>
        `${l.label} ${pct(l.accuracy)} (majority "${l.majority}" ${pct(l.baseline)}, base model ${pct(baseRep.labels[l.label].accuracy)}; needed ≥ ${pct(l.needed)})`,
    );
    const failed = verdict.labels.filter((l) => !l.ok);
    // the case this check exists for: the answers look right and the labels are guesses
    const formatOnly = !verdict.ok && rep.format_compliance >= 0.5 ? `; the format was learned (${pct(rep.format_compliance)}) but not the labels` : '';
    const constant = failed.find((l) => Object.keys(rep.labels[l.label].predicted).length === 1);
    const constantNote = constant ? `; every ${constant.label} answer is "${Object.keys(rep.labels[constant.label].predicted)[0]}"` : '';
    return {
      ok: verdict.ok,
      detail: `${rep.n} held-out tickets: ${parts.join(' · ')}${formatOnly}${constantNote}`,
      data: {
        n: rep.n,
        rule: { min_accuracy: rule.minAccuracy, min_margin: rule.minMargin },
        format_compliance: rep.format_compliance,
        exact_match: rep.exact_match,
        exact_match_majority: rep.exact_match_majority,
        base_format_compliance: baseRep.format_compliance,
        base_quantization: quant ? e.io.quantizationTag(quant) : null,
        labels: Object.fromEntries(
          verdict.labels.map((l) => [
            l.label,
            {
              accuracy: l.accuracy,
              majority: l.majority,
              majority_accuracy: l.baseline,
              base_accuracy: baseRep.labels[l.label].accuracy,
              needed: l.needed,
              ok: l.ok,
              predicted: rep.labels[l.label].predicted,
            },
          ]),
        ),
      },
    };
  },
};

export const checks: CheckKindTable = {
  'lora-adapter-layout': adapterLayout,
  'lora-trainable-share': trainableShare,
  'lora-val-improves': valImproves,
  'lora-base-unchanged': baseUnchanged,
  'lora-merge-equals': mergeEquals,
  'lora-format-compliance': formatCompliance,
  'lora-label-accuracy': labelAccuracy,
};
