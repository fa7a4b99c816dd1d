// Which tokens of a model folder are BOS, EOS, PAD and UNK, and which ids end generation, read the way
// transformers reads them: special_tokens_map.json, then tokenizer_config.json ("bos_token": "<|begin_of_text|>"
// or {"content": …} or null), each name looked up among the added tokens and the vocabulary. A folder whose
// files name no BOS/EOS falls back to config.json's bos_token_id/eos_token_id, and a folder with neither
// file to ftlab's legacy <s>/</s>. Generation stops on EOS and on every eos_token_id of config.json and
// generation_config.json (Llama-3-Instruct lists several).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonObject } from './errors.js';
import { Tokenizer, TokenizerError, type SpecialRole, type SpecialToken, type SpecialTokens } from './tokenizer.js';

const ROLES: SpecialRole[] = ['bos', 'eos', 'pad', 'unk'];

/** Reads tokenizer.json and the folder's special-token files; every fault is a TokenizerError naming its file. */
export function loadTokenizer(dir: string): Tokenizer {
  const tokPath = join(dir, 'tokenizer.json');
  const tok = Tokenizer.fromFile(tokPath);
  const optional = (name: string) => {
    const path = join(dir, name);
    return existsSync(path) ? { path, json: readJsonObject(path) } : null;
  };
  const map = optional('special_tokens_map.json');
  const cfg = optional('tokenizer_config.json');
  const modelCfg = optional('config.json');
  const genCfg = optional('generation_config.json');

  const byId = (id: unknown, where: string, key: string): SpecialToken => {
    if (!Number.isInteger(id) || (id as number) < 0 || (id as number) >= tok.vocabSize)
      throw new TokenizerError(`${where}: ${key} ${JSON.stringify(id)} is not a token id of ${tokPath} (0 to ${tok.vocabSize - 1})`);
    return { id: id as number, content: tok.idToToken[id as number] ?? '' };
  };
  const ids = (file: typeof modelCfg, key: string): SpecialToken[] => {
    const v = file?.json[key];
    if (v === undefined || v === null) return [];
    return (Array.isArray(v) ? v : [v]).map((id) => byId(id, file!.path, key));
  };

  const specials = { ...tok.specials } as SpecialTokens;
  for (const role of ROLES) {
    const key = `${role}_token`;
    // transformers lets special_tokens_map.json override tokenizer_config.json
    const src = map && key in map.json ? map : cfg && key in cfg.json ? cfg : null;
    if (src) {
      const v = src.json[key];
      if (v === null) {
        specials[role] = null;
        continue;
      }
      const content =
        typeof v === 'string'
          ? v
          : v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string'
            ? (v as { content: string }).content
            : undefined;
      if (content === undefined) throw new TokenizerError(`${src.path}: ${key} must be a token (a string or {"content": …}) or null`);
      const id = tok.tokenToId(content);
      if (id === undefined)
        throw new TokenizerError(
          `${src.path}: ${key} ${JSON.stringify(content)} is not a token of ${tokPath} (neither an added token nor in model.vocab)`,
        );
      specials[role] = { content, id };
    } else if (role === 'bos' || role === 'eos') {
      const fromIds = ids(genCfg, `${role}_token_id`)[0] ?? ids(modelCfg, `${role}_token_id`)[0];
      if (fromIds) specials[role] = fromIds;
      // a folder with neither file keeps the legacy <s>/</s>; one with a file that names no token has none
      else if (map || cfg) specials[role] = null;
    } else if (map || cfg) specials[role] = null;
  }
  if (!specials.eos)
    throw new TokenizerError(
      `${cfg?.path ?? join(dir, 'tokenizer_config.json')}: no end-of-sequence token (name one as "eos_token"; ftlab ends every training example and every reply with it)`,
    );
  const stops = [...ids(genCfg, 'eos_token_id'), ...ids(modelCfg, 'eos_token_id')].map((t) => t.id);
  tok.setSpecials(specials, stops);
  return tok;
}

/** tokenizer_config.json's special-token entries for a tokenizer, as saveModel writes them. */
export function specialTokensConfig(tok: Tokenizer): Record<string, string | null> {
  const s = tok.specials;
  return {
    bos_token: s.bos?.content ?? null,
    eos_token: s.eos?.content ?? null,
    pad_token: (s.pad ?? s.eos)?.content ?? null,
    ...(s.unk ? { unk_token: s.unk.content } : {}),
  };
}
