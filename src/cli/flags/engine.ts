// `ftlab train | eval-model | generate | merge | tokenize`: the training engine's commands. Each action
// imports src/commands/engine.ts lazily, so other commands never load the engine.
import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { TRAIN_DEFAULTS as D } from '../../engines/llm/defaults.js';

async function impl() {
  return import('../../commands/engine.js');
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const withGlobals = (cmd: Command) => cmd.optsWithGlobals();

export function register(program: Command): void {
  program
    .command('train')
    .description('fine-tune the micro model (or any small Llama folder) with LoRA, QLoRA or full fine-tuning')
    .option('--method <m>', 'lora | qlora | full', D.method)
    .option('--model <dir>', 'HF model folder (default: the shipped micro model, labs/lora/base)')
    .option('--data <file>', 'training JSONL (default: labs/lora/data/train.jsonl)')
    .option('--val <file>', 'validation JSONL (default: labs/lora/data/val.jsonl when --data is not given)')
    .option('--rank <r>', 'LoRA rank', String(D.rank))
    .option('--alpha <a>', 'LoRA alpha (scaling = alpha / rank)', String(D.alpha))
    .option('--targets <list>', 'projections to adapt: q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj or all', D.targets.join(','))
    .option('--dropout <p>', 'LoRA dropout', String(D.dropout))
    .option('--lr <lr>', `peak learning rate (default ${D.lr} for LoRA/QLoRA, ${D.fullLr} for full)`)
    .option('--steps <n>', `optimizer steps (default ${D.steps})`)
    .option('--epochs <n>', 'passes over the training data instead of --steps')
    .option('--batch <b>', 'examples per micro-batch', String(D.batch))
    .option('--grad-accum <n>', 'micro-batches per optimizer step', String(D.gradAccum))
    .option('--warmup <n>', 'linear warmup steps before cosine decay', String(D.warmup))
    .option('--weight-decay <w>', 'AdamW weight decay', String(D.weightDecay))
    .option('--clip <norm>', 'clip the global gradient norm (0 = off)', String(D.clip))
    .option('--eval-every <n>', 'validation every n steps', String(D.evalEvery))
    .option('--patience <n>', 'stop after n validations without improvement (0 = never)', String(D.patience))
    .option('--block <n>', 'maximum tokens per example', String(D.blockSize))
    .option('--seed <s>', 'random seed (init, dropout, shuffling)', String(D.seed))
    .option('--out <dir>', 'output folder: PEFT adapter (lora/qlora) or model folder (full)', 'ftlab-<method>-out')
    .option('--resume', 'continue from the checkpoint an interrupted run left in --out')
    .option('--double-quant', 'QLoRA: also quantise the NF4 scales to 8 bits (blocks of 256): 4.127 instead of 4.5 bits per weight')
    .option('--threads <n>', `worker threads (default: every core, ${availableParallelism()} here); the result is the same for any n`)
    .option('--json', 'one JSON object per line while training, then a summary object')
    .addHelpText(
      'after',
      `
Ctrl-C stops after the current step and writes a checkpoint to <out>/checkpoint; rerun with --resume.
Next to the adapter, <out>/Modelfile imports it into Ollama (FROM the base folder, ADAPTER the adapter);
adapter_config.json names the base by its path relative to <out>.
JSON lines: {"step","loss","val_loss"?,"lr","tokens_per_s",…}; summary: {"trainable_params","total_params",
"trainable_pct","adapter_bytes","base_bytes","val_loss_before","val_loss_after","seconds","out",
"base_memory_bytes","peak_rss_bytes","modelfile",…}

Examples:
  ftlab train                                  # the lab's default job: LoRA r=${D.rank} on ${D.targets.join(',')}
  ftlab train --method qlora --out qlora-adapter --json
  ftlab train --method qlora --double-quant --out qlora-dq
  ftlab train --method full --lr 3e-4 --steps 60 --out full-model
  ftlab train --data my.jsonl --val my-val.jsonl --targets all --rank 4`,
    )
    .action(async (_o, cmd: Command) => {
      const o = withGlobals(cmd);
      if (o.out === 'ftlab-<method>-out') delete o.out;
      await (await impl()).runTrain(o);
    });

  program
    .command('eval-model')
    .description('mean next-token cross-entropy on a JSONL file, as Hugging Face computes it with labels = input_ids')
    .option(
      '--model <dir>',
      "HF model folder (default: the adapter's base_model_name_or_path when that folder exists, else the shipped micro model)",
    )
    .option('--adapter <dir>', 'PEFT LoRA adapter folder to apply')
    .option('--data <file>', 'JSONL (messages, prompt/completion, instruction/output or text)')
    .option(
      '--format <scorer>',
      'also answer each record and score the format and label accuracy against the majority baseline (scorer: ticket)',
    )
    .option(
      '--quantize <q>',
      'hold the base as none | nf4 | nf4-double-quant (default: as the adapter was trained; QLoRA adapters record it)',
    )
    .option(
      '--threads <n>',
      `worker threads for the loss (default: every core, ${availableParallelism()} here); the result is the same for any n`,
    )
    .option('--json', 'print {"loss","perplexity","tokens"} as JSON')
    .addHelpText(
      'after',
      `
Each record is <s> … </s>; the loss covers every token after <s> (including </s>) for "text" records and
only the answer tokens (plus their </s>) for the instruction formats, averaged over all counted tokens.

Examples:
  ftlab eval-model --data labs/lora/data/val.jsonl --json
  ftlab eval-model --adapter ftlab-lora-out --data labs/lora/data/heldout.jsonl --format ticket
  ftlab eval-model --adapter ftlab-qlora-out --quantize none --data labs/lora/data/val.jsonl   # QLoRA adapter on the fp32 base`,
    )
    .action(async (_o, cmd: Command) => (await impl()).runEvalModel(withGlobals(cmd)));

  program
    .command('generate')
    .description('generate a reply with the micro model (optionally with a LoRA adapter), streamed to stdout')
    .option(
      '--model <dir>',
      "HF model folder (default: the adapter's base_model_name_or_path when that folder exists, else the shipped micro model)",
    )
    .option('--adapter <dir>', 'PEFT LoRA adapter folder to apply')
    .option('--prompt <text>', 'the user message (wrapped in the chat template unless --raw)')
    .option('--system <text>', 'optional system message')
    .option('--raw', 'feed the prompt as plain text, without the chat template')
    .option('--max-tokens <n>', 'most tokens to generate', '128')
    .option('--temperature <t>', 'sampling temperature (0 = greedy)', '0.8')
    .option('--top-k <k>', 'keep the k most likely tokens (0 = off)', '0')
    .option('--top-p <p>', 'nucleus sampling threshold', '1')
    .option('--seed <s>', 'sampling seed', '0')
    .option('--stop <text>', 'stop sequence (repeatable)', collect)
    .option(
      '--quantize <q>',
      'hold the base as none | nf4 | nf4-double-quant (default: as the adapter was trained; QLoRA adapters record it)',
    )
    .option('--json', 'print {"text","tokens","prompt_tokens","done_reason","seconds"}')
    .addHelpText(
      'after',
      `
Examples:
  ftlab generate --prompt "Triage this support ticket.\\n\\nMy parcel never arrived." --temperature 0
  ftlab generate --adapter ftlab-lora-out --prompt "Classify the ticket below.\\n\\nThe app crashes." --json`,
    )
    .action(async (_o, cmd: Command) => (await impl()).runGenerate(withGlobals(cmd)));

  program
    .command('merge')
    .description('merge a LoRA adapter into its base: W + (alpha/r)·B·A, written as a new model folder')
    .option(
      '--model <dir>',
      "base model folder (default: the adapter's base_model_name_or_path when that folder exists, else the shipped micro model)",
    )
    .option('--adapter <dir>', 'PEFT LoRA adapter folder')
    .option('--out <dir>', 'new model folder to write')
    .option('--json', 'print {"out","bytes","merged_modules","scaling","max_abs_logit_diff"}')
    .addHelpText('after', '\nExample:\n  ftlab merge --adapter ftlab-lora-out --out merged-model')
    .action(async (_o, cmd: Command) => (await impl()).runMerge(withGlobals(cmd)));

  program
    .command('tokenize')
    .description("show the token ids (and tokens) the model's tokenizer.json gives a text")
    .option('--model <dir>', 'model folder holding tokenizer.json (default: the shipped micro model)')
    .option('--text <text>', 'text to tokenize')
    .option('--file <file>', 'file to tokenize')
    .option('--no-special', 'do not add <s>')
    .option('--json', 'print {"ids":[…],"tokens":[…]}')
    .addHelpText('after', '\nExamples:\n  ftlab tokenize --text "Hello, LoRA" --json\n  ftlab tokenize --file notes.txt')
    .action(async (_o, cmd: Command) => {
      const o = withGlobals(cmd);
      o.noSpecial = o.special === false;
      await (await impl()).runTokenize(o);
    });
}
