// Special tokens come from the model folder, not from hard-coded <s>/</s> (issue #13 point 4, review D3):
// tokenizer_config.json / special_tokens_map.json name them, config.json's ids are the fallback, and a
// folder whose tokens are <|begin_of_text|>/<|eot_id|> trains, evaluates and generates through the CLI
// (it crashed with "token id -1" and generated NUL bytes before). Needs dist/cli.js for the CLI cases.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeChat } from '../../../src/engines/llm/chat.js';
import { generate, InferenceModel } from '../../../src/engines/llm/generate.js';
import { loadModel } from '../../../src/engines/llm/io.js';
import { loadTokenizer } from '../../../src/engines/llm/special-tokens.js';
import { TokenizerError } from '../../../src/engines/llm/tokenizer.js';

const root = join(__dirname, '../../..');
const F = join(__dirname, 'fixtures/tokenizers');
const BASE = join(root, 'labs/lora/base');
// the shipped base's <s> and </s> ids
const { bos_token_id: BOS, eos_token_id: EOS } = JSON.parse(readFileSync(join(BASE, 'config.json'), 'utf8')) as Record<string, number>;
const scratch = mkdtempSync(join(tmpdir(), 'ftlab-specials-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const readJson = (p: string) => JSON.parse(readFileSync(p, 'utf8'));
const writeJson = (p: string, j: unknown) => writeFileSync(p, JSON.stringify(j));

/** A copy of `src` folder under scratch. */
function copy(src: string, name: string): string {
  const dir = join(scratch, name);
  cpSync(src, dir, { recursive: true });
  return dir;
}

/** The shipped base with its <s>/</s> renamed to `bos`/`eos` everywhere tokenizer.json holds them. */
function renamedBase(name: string, bos: string, eos: string, config = true): string {
  const dir = copy(BASE, name);
  const tj = readJson(join(dir, 'tokenizer.json'));
  for (const t of tj.added_tokens) t.content = t.content === '<s>' ? bos : eos;
  // the trained tokenizer also holds its special tokens in the vocabulary (as HF's BpeTrainer puts them)
  const vocab = tj.model.vocab;
  for (const [from, to] of [
    ['<s>', bos],
    ['</s>', eos],
  ])
    if (from in vocab) {
      vocab[to] = vocab[from];
      delete vocab[from];
    }
  tj.post_processor.single[0].SpecialToken.id = bos;
  tj.post_processor.pair[0].SpecialToken.id = bos;
  tj.post_processor.special_tokens = { [bos]: { id: bos, ids: [BOS], tokens: [bos] } };
  writeJson(join(dir, 'tokenizer.json'), tj);
  // tokenizer_config.json alone names the tokens here (special_tokens_map.json would take precedence)
  rmSync(join(dir, 'special_tokens_map.json'), { force: true });
  const cfgPath = join(dir, 'tokenizer_config.json');
  if (config) writeJson(cfgPath, { ...readJson(cfgPath), bos_token: bos, eos_token: eos, pad_token: eos });
  else unlinkSync(cfgPath);
  return dir;
}

function cli(...args: string[]) {
  return spawnSync(process.execPath, [join(root, 'dist/cli.js'), ...args], { encoding: 'utf8', timeout: 120_000 });
}

describe('special tokens from the model folder', () => {
  it('Llama-3 layout: bos/eos by name from tokenizer_config.json, every eos id of generation_config.json stops', () => {
    const tok = loadTokenizer(join(F, 'llama3'));
    const id = (t: string) => tok.tokenToId(t)!;
    expect(tok.specials.bos).toEqual({ content: '<|begin_of_text|>', id: id('<|begin_of_text|>') });
    expect(tok.eosId).toBe(id('<|eot_id|>'));
    expect(tok.padId).toBe(tok.eosId); // no pad_token: padding uses EOS
    expect([...tok.stopIds].sort()).toEqual([id('<|end_of_text|>'), id('<|eot_id|>')].sort());
    const { ids } = encodeChat(tok, [
      { role: 'user', content: 'Hi <|eot_id|>' },
      { role: 'assistant', content: 'Hello' },
    ]);
    expect(ids[0]).toBe(id('<|begin_of_text|>'));
    // the user's "<|eot_id|>" is text, not an end of turn; only the assistant's turn ends with EOS
    expect(ids.filter((x) => x === tok.eosId)).toHaveLength(1);
    expect(tok.decode(ids, false)).toBe('<|begin_of_text|>User: Hi <|eot_id|>\nAssistant: Hello<|eot_id|>\n');
  });

  it('Qwen2 layout: bos_token null means no BOS; pad_token is its own token', () => {
    const tok = loadTokenizer(join(F, 'qwen2'));
    expect(tok.bosId).toBeNull();
    expect(tok.specials.eos?.content).toBe('<|im_end|>');
    expect(tok.padId).toBe(tok.tokenToId('<|endoftext|>'));
    const { ids, mask } = encodeChat(tok, [{ role: 'user', content: 'Hi' }], { addGenerationPrompt: true });
    expect(tok.decode(ids, false)).toBe('User: Hi\nAssistant: ');
    expect(mask.every((m) => !m)).toBe(true);
  });

  it('special_tokens_map.json (with {"content": …} entries) wins over tokenizer_config.json, as in transformers', () => {
    const dir = copy(join(F, 'gpt2x'), 'gpt2x-both');
    writeJson(join(dir, 'tokenizer_config.json'), { bos_token: '<mask>', eos_token: '[SEP]' });
    const tok = loadTokenizer(dir);
    expect(tok.specials.bos?.content).toBe('<|startoftext|>');
    expect(tok.specials.eos?.content).toBe('<|endoftext|>');
    expect(tok.specials.unk?.content).toBe('<|endoftext|>');
  });

  it('a folder with no special-token files uses config.json ids, then the legacy <s>/</s>', () => {
    const dir = renamedBase('no-config', '<|im_start|>', '<|im_end|>', false);
    const tok = loadTokenizer(dir);
    expect(tok.specials.bos).toEqual({ content: '<|im_start|>', id: BOS });
    expect(tok.specials.eos).toEqual({ content: '<|im_end|>', id: EOS });
  });

  it('names that are not tokens, and a folder without EOS, are one-line errors naming the file', () => {
    // the review's reproduction: tokens renamed in tokenizer.json, tokenizer_config.json still says <s>
    const stale = renamedBase('stale', '<|im_start|>', '<|im_end|>');
    writeJson(join(stale, 'tokenizer_config.json'), { bos_token: '<s>', eos_token: '</s>' });
    expect(() => loadTokenizer(stale)).toThrow(TokenizerError);
    expect(() => loadTokenizer(stale)).toThrow(/tokenizer_config\.json: bos_token "<s>" is not a token of .*tokenizer\.json/);
    const noEos = copy(join(F, 'qwen2'), 'qwen2-no-eos');
    writeJson(join(noEos, 'tokenizer_config.json'), { bos_token: null, eos_token: null });
    expect(() => loadTokenizer(noEos)).toThrow(/tokenizer_config\.json: no end-of-sequence token/);
    const badType = copy(join(F, 'qwen2'), 'qwen2-bad-type');
    writeJson(join(badType, 'tokenizer_config.json'), { eos_token: 7 });
    expect(() => loadTokenizer(badType)).toThrow(/eos_token must be a token/);
    const badId = copy(join(F, 'llama3'), 'llama3-bad-id');
    writeJson(join(badId, 'generation_config.json'), { eos_token_id: [5, 999999] });
    expect(() => loadTokenizer(badId)).toThrow(/generation_config\.json: eos_token_id 999999 is not a token id/);
  });

  it('generation stops on EOS and never prints special-token text', async () => {
    const dir = renamedBase('gen', '<|begin_of_text|>', '<|eot_id|>');
    const { model, tokenizer } = loadModel(dir);
    const im = new InferenceModel(model);
    const prompt = encodeChat(tokenizer, [{ role: 'user', content: 'What is LoRA?' }], { addGenerationPrompt: true }).ids;
    expect(prompt[0]).toBe(BOS);
    let sawBos = false;
    for (let seed = 0; seed < 12; seed++) {
      // a hot temperature makes the model sample <|begin_of_text|> now and then
      const r = await generate(im, tokenizer, prompt, { temperature: 3, seed, maxTokens: 60 });
      sawBos ||= r.tokens.includes(BOS);
      expect(r.tokens).not.toContain(EOS); // EOS ends the reply and is not part of it
      expect(r.text).not.toContain('<|');
      expect(r.text).toBe(tokenizer.decode(r.tokens.filter((t) => t !== BOS && t !== EOS)));
    }
    expect(sawBos).toBe(true);
  });
});

describe('a model folder with Llama-3 special tokens through the CLI', () => {
  const dir = renamedBase('cli', '<|begin_of_text|>', '<|eot_id|>');
  const data = join(root, 'labs/lora/data/val.jsonl');

  it('generate, eval-model and train work (no "token id -1", no NUL bytes)', () => {
    const g = cli('generate', '--model', dir, '--prompt', 'hi', '--temperature', '0', '--max-tokens', '20', '--json');
    expect(g.stderr).toBe('');
    expect(g.status).toBe(0);
    const out = JSON.parse(g.stdout);
    expect(out.text).not.toMatch(/\u0000|<\|/);
    expect(out.prompt_tokens).toBeGreaterThan(5);
    const e = cli('eval-model', '--model', dir, '--data', data, '--json');
    expect(e.status, e.stderr).toBe(0);
    expect(JSON.parse(e.stdout).tokens).toBeGreaterThan(100);
    const t = cli('train', '--model', dir, '--data', data, '--steps', '2', '--batch', '2', '--out', join(scratch, 'cli-adapter'), '--json');
    expect(t.status, t.stderr).toBe(0);
  }, 120_000);

  it('a stale tokenizer_config.json is one line naming the file, not a stack trace', () => {
    const stale = renamedBase('cli-stale', '<|im_start|>', '<|im_end|>');
    writeJson(join(stale, 'tokenizer_config.json'), { bos_token: '<s>', eos_token: '</s>' });
    const r = cli('eval-model', '--model', stale, '--data', data);
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(/^ftlab: .*tokenizer_config\.json: bos_token "<s>" is not a token/);
    expect(r.stderr).not.toContain('unexpected error');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  }, 60_000);
});
