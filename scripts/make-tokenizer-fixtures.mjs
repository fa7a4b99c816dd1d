#!/usr/bin/env node
// Writes the tokenizer fixtures of test/engines/llm/fixtures/tokenizers/: three small byte-level BPE
// tokenizer.json files laid out as real Hugging Face models lay them out, with a few hundred merges
// trained here on the course's own text (deterministic: same inputs, same files), plus corpus.json, the
// strings the parity test encodes. The expected ids come from the reference implementation, written by
// scripts/tokenizer_parity.py. Usage:
//
//   node scripts/make-tokenizer-fixtures.mjs && python3 scripts/tokenizer_parity.py --write
//
//   llama3/  Llama-3 layout: Split with Llama-3's regex + ByteLevel(use_regex=false), ignore_merges,
//            merges as [a, b] pairs, <|begin_of_text|> via TemplateProcessing, <|eot_id|> as eos_token
//   qwen2/   Qwen2 layout: NFC normalizer, Split with Qwen2's regex (single digits), no BOS, <|im_end|>
//   gpt2x/   GPT-2's ByteLevel(use_regex=true, add_prefix_space=true) after a Sequence of NFKC + Lowercase
//            and Digits, merges as "a b" strings, BOS and EOS added, and added tokens with lstrip, rstrip,
//            single_word and normalized=true/false
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'test/engines/llm/fixtures/tokenizers');

// ---- byte-level characters (GPT-2) --------------------------------------------------------------
const BYTE_CHAR = (() => {
  const bs = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const map = new Array(256);
  for (const b of bs) map[b] = String.fromCharCode(b);
  let n = 0;
  for (let b = 0; b < 256; b++) if (!bs.includes(b)) map[b] = String.fromCharCode(256 + n++);
  return map;
})();
const enc = new TextEncoder();
const toByteChars = (s) => [...enc.encode(s)].map((b) => BYTE_CHAR[b]);

// ---- training text: the course's lessons and the LoRA lab's data, in a fixed order ---------------
function walk(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}
const text = [
  ...walk(join(root, 'content'))
    .filter((f) => f.endsWith('.md'))
    .slice(0, 40),
  join(root, 'labs/lora/data/train.jsonl'),
]
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');

/** Trains `n` merges on words cut by `split`; ties go to the lexicographically first pair. */
function trainBpe(split, n) {
  const words = new Map();
  for (const w of text.match(split) ?? []) words.set(w, (words.get(w) ?? 0) + 1);
  const seqs = [...words].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([w, c]) => ({ s: toByteChars(w), c }));
  const merges = [];
  for (let k = 0; k < n; k++) {
    const counts = new Map();
    for (const { s, c } of seqs)
      for (let i = 0; i + 1 < s.length; i++) {
        const key = s[i] + '\u0000' + s[i + 1];
        counts.set(key, (counts.get(key) ?? 0) + c);
      }
    let best = null;
    let bestCount = 1;
    for (const [key, c] of counts) if (c > bestCount || (c === bestCount && best !== null && key < best)) [best, bestCount] = [key, c];
    if (best === null) break;
    const [a, b] = best.split('\u0000');
    merges.push([a, b]);
    for (const q of seqs) {
      const s = q.s;
      const t = [];
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
          t.push(a + b);
          i++;
        } else t.push(s[i]);
      }
      q.s = t;
    }
  }
  return merges;
}

function vocabOf(merges) {
  const vocab = {};
  BYTE_CHAR.forEach((ch, b) => (vocab[ch] = b));
  let id = 256;
  for (const [a, b] of merges) if (!(a + b in vocab)) vocab[a + b] = id++;
  return { vocab, size: id };
}

const added = (id, content, special, o = {}) => ({
  id,
  content,
  single_word: o.single_word ?? false,
  lstrip: o.lstrip ?? false,
  rstrip: o.rstrip ?? false,
  normalized: o.normalized ?? !special,
  special,
});
const template = (prefix, suffix) => ({
  type: 'TemplateProcessing',
  single: [
    ...prefix.map(([t]) => ({ SpecialToken: { id: t, type_id: 0 } })),
    { Sequence: { id: 'A', type_id: 0 } },
    ...suffix.map(([t]) => ({ SpecialToken: { id: t, type_id: 0 } })),
  ],
  pair: [
    ...prefix.map(([t]) => ({ SpecialToken: { id: t, type_id: 0 } })),
    { Sequence: { id: 'A', type_id: 0 } },
    { Sequence: { id: 'B', type_id: 1 } },
  ],
  special_tokens: Object.fromEntries([...prefix, ...suffix].map(([t, id]) => [t, { id: t, ids: [id], tokens: [t] }])),
});
const bpe = (vocab, merges, o = {}) => ({
  type: 'BPE',
  dropout: null,
  unk_token: null,
  continuing_subword_prefix: null,
  end_of_word_suffix: null,
  fuse_unk: false,
  byte_fallback: false,
  ignore_merges: o.ignore_merges ?? false,
  vocab,
  merges,
});
const tokenizerJson = (o) => ({
  version: '1.0',
  truncation: null,
  padding: null,
  added_tokens: o.added,
  normalizer: o.normalizer ?? null,
  pre_tokenizer: o.pre,
  post_processor: o.post,
  decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
  model: o.model,
});
function write(name, files) {
  mkdirSync(join(out, name), { recursive: true });
  for (const [f, j] of Object.entries(files)) writeFileSync(join(out, name, f), JSON.stringify(j, null, 2) + '\n');
}

// Llama-3's and Qwen2's Split patterns, as their tokenizer.json files hold them
const LLAMA3 =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const QWEN2 =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
// training only needs a plausible cut into words
const TRAIN_SPLIT = /'(?:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+/gu;
const GPT2_SPLIT = /'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

{
  const merges = trainBpe(TRAIN_SPLIT, 400);
  const { vocab, size } = vocabOf(merges);
  const names = [
    '<|begin_of_text|>',
    '<|end_of_text|>',
    '<|reserved_special_token_0|>',
    '<|start_header_id|>',
    '<|end_header_id|>',
    '<|eot_id|>',
  ];
  const ids = Object.fromEntries(names.map((t, i) => [t, size + i]));
  write('llama3', {
    'tokenizer.json': tokenizerJson({
      added: names.map((t) => added(ids[t], t, true)),
      pre: {
        type: 'Sequence',
        pretokenizers: [
          { type: 'Split', pattern: { Regex: LLAMA3 }, behavior: 'Isolated', invert: false },
          { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
        ],
      },
      post: {
        type: 'Sequence',
        processors: [
          { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
          template([['<|begin_of_text|>', ids['<|begin_of_text|>']]], []),
        ],
      },
      model: bpe(vocab, merges, { ignore_merges: true }),
    }),
    'tokenizer_config.json': {
      tokenizer_class: 'PreTrainedTokenizerFast',
      bos_token: '<|begin_of_text|>',
      eos_token: '<|eot_id|>',
      clean_up_tokenization_spaces: true,
      model_max_length: 131072,
    },
    'generation_config.json': { bos_token_id: ids['<|begin_of_text|>'], eos_token_id: [ids['<|end_of_text|>'], ids['<|eot_id|>']] },
  });

  const names2 = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'];
  const ids2 = Object.fromEntries(names2.map((t, i) => [t, size + i]));
  write('qwen2', {
    'tokenizer.json': tokenizerJson({
      added: names2.map((t) => added(ids2[t], t, true)),
      normalizer: { type: 'NFC' },
      pre: {
        type: 'Sequence',
        pretokenizers: [
          { type: 'Split', pattern: { Regex: QWEN2 }, behavior: 'Isolated', invert: false },
          { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
        ],
      },
      post: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
      model: bpe(vocab, merges),
    }),
    'tokenizer_config.json': { tokenizer_class: 'Qwen2Tokenizer', bos_token: null, eos_token: '<|im_end|>', pad_token: '<|endoftext|>' },
  });
}

{
  const merges = trainBpe(GPT2_SPLIT, 300);
  const { vocab, size } = vocabOf(merges);
  let id = size;
  const tokens = [
    added(id++, '<|endoftext|>', true),
    added(id++, '<|startoftext|>', true),
    added(id++, '<mask>', true, { lstrip: true }),
    added(id++, '[SEP]', true, { rstrip: true }),
    added(id++, 'lora', false, { single_word: true }),
    added(id++, 'Hello World', false, { normalized: true }),
    added(id++, 'ÜNÏ', false, { normalized: false }),
  ];
  write('gpt2x', {
    'tokenizer.json': tokenizerJson({
      added: tokens,
      normalizer: { type: 'Sequence', normalizers: [{ type: 'NFKC' }, { type: 'Lowercase' }] },
      pre: {
        type: 'Sequence',
        pretokenizers: [
          { type: 'Digits', individual_digits: true },
          { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
        ],
      },
      post: template([['<|startoftext|>', size + 1]], [['<|endoftext|>', size]]),
      model: bpe(
        vocab,
        merges.map(([a, b]) => `${a} ${b}`),
      ),
    }),
    'special_tokens_map.json': {
      bos_token: '<|startoftext|>',
      eos_token: { content: '<|endoftext|>', lstrip: false, rstrip: false, normalized: false, single_word: false },
      unk_token: '<|endoftext|>',
    },
  });
}

// ---- the strings every fixture encodes ----------------------------------------------------------
const fixed = [
  '',
  ' ',
  'Hello world',
  'Hello, world! How are you?',
  "I'm sure it's fine; they'll say we've done what you'd do. WE'LL SEE, DON'T WE?",
  'LoRA freezes the base model and trains two small matrices.',
  'Triage this support ticket.\n\nMy parcel has not arrived yet. This is urgent.',
  'category: shipping\npriority: high',
  '   leading spaces',
  'trailing spaces   ',
  'tabs\tand\t\ttabs',
  'lines\r\nwith CRLF\r\n\r\nand blank lines\n\n\n',
  'mixed   \t \n  whitespace\u00a0runs\u2003and\u3000ideographic space',
  'numbers 1 12 123 1234 12345 3.14159 -42 1e10 0x1F 1,000,000',
  'fullwidth digits １２３ and superscripts x² y³ and Arabic-Indic ٣٤٥',
  'emoji 😀🎉👍🏽 family 👨‍👩‍👧‍👦 flags 🇫🇷🇯🇵',
  '中文分词测试：机器学习模型。',
  '日本語のテキストとカタカナ、ひらがな。',
  '한국어 문장도 있습니다.',
  'Ελληνικά ΣΟΦΙΑ σοφία ΟΔΟΣ',
  'İstanbul ıi DİYARBAKIR',
  'Café naïve résumé — déjà vu «quotes» „Anführungszeichen“',
  'decomposed: Cafe\u0301 nai\u0308ve',
  'ligatures ﬁ ﬂ ﬀ and ℌ ℍ ① ⑵ ㎏',
  'Русский текст с цифрами 2024 года.',
  'עברית וערבית: مرحبا بالعالم',
  'हिन्दी पाठ और संख्या ४२',
  'function add(a, b) {\n  return a + b; // sum\n}',
  'def f(x):\n    if x > 0:\n        return x ** 2\n    return None',
  'const re = /\\s+(?!\\S)/gu; console.log(`${a}-${b}`);',
  '<html><body class="main">Hi &amp; bye</body></html>',
  "SELECT * FROM users WHERE id = 42 AND name LIKE '%bob%';",
  'path/to/file.txt C:\\Windows\\System32 https://example.com/a?b=c&d=e#f',
  'email: someone@example.org, phone: +1 (555) 123-4567',
  '$100.00 €50 £20 ¥1000 ₹500 ₿0.01',
  '!!!??? ... --- *** ### @@@ ~~~ ```code```',
  "''''' \"\"\" ``` '''s 's 't 'S 'T",
  'a\u0085b next-line and a\ufeffb zero-width no-break and a\u200bb zero width',
  'control \u0001\u0002\u001f chars and DEL \u007f',
  'zalgo z̵̡̛a̶̧͝l̸̨̛g̵̨͠o̷̢͘',
  '<s>text</s> with legacy specials',
  '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>',
  '<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nHi<|im_end|>',
  'before<|endoftext|>after <|startoftext|> spaced',
  'mask tokens: a <mask> b   <mask>c <mask>',
  'separators: x [SEP]   y [SEP]z',
  'lora LoRA loras xlora lora_x (lora) LORA',
  'hello world Hello World HELLO WORLD helloworld',
  'ÜNÏ ünï ÜNÏX',
  '<|eot_id|><|eot_id|>double',
  'partial <|eot_id and <|begin_of_text without closing',
  'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  'the the the the the the the the the the',
  'tokenization tokenizer tokenized untokenizable',
  'The learning rate controls the step size of gradient descent.',
  'QLoRA stores the base in NF4 with block size 64 and one absmax per block.',
  'x'.repeat(120),
  ' \n \n \n ',
  '\n',
  '\t',
  '0',
  '00000000001111111111',
  'a1b2c3d4 A1B2C3 1a2b3c',
  'snake_case camelCase PascalCase kebab-case SCREAMING_CASE',
  'Dr. Smith\'s "quoted" (parenthetical) [bracketed] {braced}',
];

// deterministic pseudo-random mixtures of fragments
let seed = 20261204;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed / 2147483648);
const pick = (a) => a[Math.floor(rand() * a.length)];
const fragments = [
  'model',
  ' adapter',
  'LoRA',
  ' rank',
  ' 8',
  '16',
  ' 2024',
  '3.5',
  ' the',
  ' The',
  'ing',
  ' training',
  ' loss',
  ' 😀',
  '🎉',
  ' 中文',
  '日本',
  ' Ελληνικά',
  ' ÉTÉ',
  ' über',
  'ß',
  ' İ',
  ' ﬁne',
  ' ①',
  ' ²',
  '  ',
  '   ',
  '\t',
  '\n',
  '\n\n',
  '\r\n',
  '\u00a0',
  '\u3000',
  ' \n ',
  "'s",
  "'LL",
  "n't",
  "'ve",
  ' (',
  ')',
  '.',
  ',',
  '!?',
  '...',
  ' --',
  ' ->',
  ' =>',
  ' {',
  '}',
  ';',
  ' //',
  ' #',
  '<|eot_id|>',
  '<|begin_of_text|>',
  '<|im_end|>',
  '<|endoftext|>',
  '<mask>',
  ' <mask>',
  '[SEP]',
  '[SEP] ',
  ' lora',
  'lora',
  ' Hello World',
  'hello world',
  'ÜNÏ',
  '<s>',
  '</s>',
  '<|',
  '|>',
  '0',
  '42',
  ' 007',
  '１２',
  '٣',
];
const mixed = [];
for (let i = 0; i < 200; i++) {
  const n = 1 + Math.floor(rand() * 12);
  let s = '';
  for (let k = 0; k < n; k++) s += pick(fragments);
  mixed.push(s);
}
const corpus = [...fixed, ...mixed];
writeFileSync(join(out, 'corpus.json'), JSON.stringify(corpus, null, 1) + '\n');
console.log(`wrote ${out}: 3 tokenizers, ${corpus.length} strings`);
