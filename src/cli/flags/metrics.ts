// `ftlab metrics …`: BLEU, chrF, ROUGE, exact match/F1, classification and perplexity on files.
// Flags are declared here; the scoring code is imported only when a metrics command runs.
import { Option, type Command } from 'commander';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

async function impl() {
  return import('../../commands/metrics.js');
}

export function register(program: Command): void {
  const metrics = program
    .command('metrics')
    .description('score model outputs: BLEU and chrF (as sacrebleu), ROUGE (as rouge-score), EM/F1, classification, perplexity')
    .addHelpText(
      'after',
      `
Text files hold one segment per line (split on "\\n", a trailing "\\r" dropped, empty lines count,
a final newline adds none); hypothesis and reference files must have the same number of lines.

Examples:
  ftlab metrics bleu --hyp out.txt --ref ref.txt
  ftlab metrics bleu --hyp out.txt --ref ref1.txt --ref ref2.txt --tokenize intl --json
  ftlab metrics rouge --hyp out.txt --ref ref.txt --stem
  ftlab metrics rouge --pairs pairs.jsonl --types rougeL,rougeLsum --json`,
    );

  metrics
    .command('bleu')
    .description('corpus (or --sentence) BLEU, identical to sacrebleu 2.x')
    .requiredOption('--hyp <file>', 'hypotheses, one per line')
    .requiredOption('--ref <file>', 'references, one per line (repeat for several references)', collect, [])
    .addOption(new Option('--tokenize <name>', 'tokenizer').choices(['13a', 'none', 'intl', 'char']).default('13a'))
    .option('--lowercase', 'lowercase hypotheses and references (case-insensitive BLEU)')
    .addOption(new Option('--smooth <method>', 'smoothing method').choices(['exp', 'floor', 'add-k', 'none']).default('exp'))
    .option('--smooth-value <v>', 'value for floor (default 0.1) or add-k (default 1)')
    .option('--sentence', 'one score per line (effective order, as sacrebleu --sentence-level)')
    .option('--json', 'print one JSON document')
    .addHelpText(
      'after',
      `
JSON (corpus):   {"score","counts","totals","precisions","bp","sys_len","ref_len","signature"}
JSON (sentence): {"sentences":[{…same fields…}, …]}

Examples:
  ftlab metrics bleu --hyp out.txt --ref ref.txt
  ftlab metrics bleu --hyp out.txt --ref ref.txt --sentence --smooth floor --json`,
    )
    .action(async (opts) => (await impl()).runBleu(opts));

  metrics
    .command('chrf')
    .description('corpus (or --sentence) chrF / chrF++, identical to sacrebleu 2.x')
    .requiredOption('--hyp <file>', 'hypotheses, one per line')
    .requiredOption('--ref <file>', 'references, one per line (repeat for several references)', collect, [])
    .option('--word-order <n>', 'word n-gram order: 0 = chrF (default), 2 = chrF++', '0')
    .option('--char-order <n>', 'character n-gram order', '6')
    .option('--beta <n>', 'weight of recall relative to precision', '2')
    .option('--lowercase', 'case-insensitive')
    .option('--whitespace', 'keep whitespace inside character n-grams')
    .option('--eps-smoothing', 'epsilon smoothing (chrF++.py/NLTK/Moses) instead of effective order')
    .option('--sentence', 'one score per line')
    .option('--json', 'print one JSON document')
    .addHelpText(
      'after',
      '\nJSON: {"score","name","signature"} or {"sentences":[…]}\n\nExample:\n  ftlab metrics chrf --hyp out.txt --ref ref.txt --word-order 2',
    )
    .action(async (opts) => (await impl()).runChrf(opts));

  metrics
    .command('rouge')
    .description('ROUGE-1/2/L/Lsum per pair and mean, identical to rouge-score 0.1.2')
    .option('--hyp <file>', 'predictions, one per line')
    .option('--ref <file>', 'references, one per line (repeat for several: best F per type, as score_multi)', collect, [])
    .option('--pairs <file>', 'JSONL: {"prediction": str, "reference": str} or {"prediction": str, "references": [str, …]}')
    .option('--types <list>', 'comma-separated: rouge1..rouge9, rougeL, rougeLsum', 'rouge1,rouge2,rougeL,rougeLsum')
    .option('--stem', "Porter stemming of tokens longer than 3 characters (rouge-score's use_stemmer)")
    .addOption(
      new Option('--tokenizer <name>', "rouge-score (default; keeps only a-z0-9) or unicode (ftlab's own, NOT rouge-score's)")
        .choices(['rouge-score', 'unicode'])
        .default('rouge-score'),
    )
    .option('--mean-only', 'omit the per-pair scores')
    .option('--json', 'print one JSON document')
    .addHelpText(
      'after',
      `
JSON: {"pairs":[{"rouge1":{"precision","recall","fmeasure"}, …}, …], "mean":{…}, …}
rougeLsum splits sentences on "\\n" (inside JSONL strings; a text-file line is one sentence).
rouge-score's tokenizer drops every character outside a-z and 0-9 (accents, CJK, emoji).

Examples:
  ftlab metrics rouge --hyp out.txt --ref ref.txt --stem
  ftlab metrics rouge --pairs pairs.jsonl --types rougeLsum --json`,
    )
    .action(async (opts) => (await impl()).runRouge(opts));

  metrics
    .command('squad')
    .description('exact match and token F1 as the SQuAD v1.1 script (percent; best over several references)')
    .requiredOption('--hyp <file>', 'predicted answers, one per line')
    .requiredOption('--ref <file>', 'gold answers, one per line (repeat for several)', collect, [])
    .option('--json', 'print one JSON document')
    .addHelpText(
      'after',
      '\nJSON: {"exact_match","f1","count","pairs":[{"exact_match","f1"}, …]}\n\nExample:\n  ftlab metrics squad --hyp answers.txt --ref gold.txt',
    )
    .action(async (opts) => (await impl()).runSquad(opts));

  metrics
    .command('classification')
    .alias('classify')
    .description('accuracy, per-class and macro/weighted precision, recall, F1, confusion matrix')
    .requiredOption('--hyp <file>', 'predicted labels, one per line')
    .requiredOption('--ref <file>', 'true labels, one per line')
    .option('--json', 'print one JSON document')
    .addHelpText(
      'after',
      '\nJSON: {"accuracy","labels","per_class":{label:{precision,recall,f1,support}},"macro_avg","weighted_avg","confusion_matrix","count"}\n(confusion matrix rows = true labels, columns = predictions, labels sorted as scikit-learn does)\n\nExample:\n  ftlab metrics classification --hyp pred.txt --ref gold.txt',
    )
    .action(async (opts) => (await impl()).runClassification(opts));

  const lab = metrics
    .command('lab')
    .description("the metrics lab's graded questions without the TUI (grading: ftlab lab verify metrics)")
    .addHelpText(
      'after',
      '\nExamples:\n  ftlab metrics lab show\n  ftlab metrics lab answer clipped-precision 5/7\n  ftlab metrics lab scores my-scores.jsonl\n  ftlab lab verify metrics',
    );
  const labImpl = () => import('../../commands/metrics-lab.js');
  lab
    .command('show [task]')
    .description('print the questions (each drawn once from the lab data by a stored seed) and your answers')
    .option('--json', 'print one JSON document')
    .action(async (task, opts, cmd) => (await labImpl()).runLabShow(task, { ...opts, content: cmd.optsWithGlobals().content }));
  lab
    .command('answer <task> <value>')
    .description('store your answer to a question (e.g. "finetuned 12.5", "5/7", "b", "0.607")')
    .option('--json', 'print one JSON document')
    .action(async (task, value, opts, cmd) =>
      (await labImpl()).runLabAnswer(task, value, { ...opts, content: cmd.optsWithGlobals().content }),
    );
  lab
    .command('scores <file>')
    .description('record your own scores file (JSONL {"id","system","bleu","rougeL"}) for grading')
    .option('--json', 'print one JSON document')
    .action(async (file, opts) => (await labImpl()).runLabScores(file, opts));

  metrics
    .command('perplexity')
    .description('perplexity from per-token log-probabilities (natural log), e.g. exported from a model')
    .requiredOption('--logprobs <file>', 'one log-probability per line, or JSONL lines {"logprobs":[…]}')
    .option('--json', 'print one JSON document')
    .addHelpText('after', '\nJSON: {"tokens","loss","perplexity"}\n\nExample:\n  ftlab metrics perplexity --logprobs lp.txt')
    .action(async (opts) => (await impl()).runPerplexity(opts));
}
