// The chat template shared by training, evaluation, generation and the serving backend:
//   BOS System: …\nUser: …\nAssistant: …EOS\n
// with the model's own BOS/EOS (<s>/</s> for the micro model, <|begin_of_text|>/<|eot_id|> for a
// Llama-3 folder; no BOS for a tokenizer without one). Only the assistant's words and its closing EOS
// are trained on for instruction formats. Message text is encoded with special tokens as plain text, so
// a user who types "</s>" or "<|eot_id|>" cannot end a turn.
import type { Tokenizer } from './tokenizer.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** The same template in Jinja, for tokenizer_config.json (so transformers' apply_chat_template agrees). */
export const CHAT_TEMPLATE_JINJA =
  "{{ bos_token }}{% for m in messages %}{% if m['role'] == 'system' %}{{ 'System: ' + m['content'] + '\\n' }}" +
  "{% elif m['role'] == 'user' %}{{ 'User: ' + m['content'] + '\\n' }}" +
  "{% else %}{{ 'Assistant: ' + m['content'] + eos_token + '\\n' }}{% endif %}{% endfor %}" +
  "{% if add_generation_prompt %}{{ 'Assistant: ' }}{% endif %}";

const PREFIX = { system: 'System: ', user: 'User: ', assistant: 'Assistant: ' } as const;

/**
 * Token ids of a conversation plus a parallel mask of positions that count toward the loss.
 * With addGenerationPrompt the sequence ends with "Assistant: " so the model writes the reply.
 */
export function encodeChat(
  tok: Tokenizer,
  messages: ChatMessage[],
  opts: { addGenerationPrompt?: boolean; trainAll?: boolean } = {},
): { ids: number[]; mask: boolean[] } {
  const ids: number[] = [];
  const mask: boolean[] = [];
  if (tok.bosId !== null) {
    ids.push(tok.bosId);
    mask.push(false);
  }
  const push = (piece: number[], train: boolean) => {
    for (const id of piece) {
      ids.push(id);
      mask.push(train || Boolean(opts.trainAll));
    }
  };
  for (const m of messages) {
    if (m.role === 'assistant') {
      // the prefix is encoded on its own so the answer starts on a token boundary, as it does when the
      // generation prompt ends with "Assistant: "
      push(tok.encodeOrdinary(PREFIX.assistant), false);
      push(tok.encodeOrdinary(m.content), true);
      push([tok.eosId], true);
      push(tok.encodeOrdinary('\n'), false);
    } else push(tok.encodeOrdinary(PREFIX[m.role] + m.content + '\n'), false);
  }
  if (opts.addGenerationPrompt) push(tok.encodeOrdinary(PREFIX.assistant), false);
  return { ids, mask };
}
