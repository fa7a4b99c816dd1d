// The LoRA lab's fine-tuning task and its scorer: support tickets answered in exactly two lines,
//   category: <billing|shipping|account|technical>
//   priority: <low|medium|high>
// Format compliance is what the lab grades (LoRA's strength: teaching a fixed output structure);
// whether the chosen labels are right is reported alongside as accuracy.
import type { DataRecord } from '../../llm/data.js';
import { chatPromptIds, generate, type InferenceModel } from '../../llm/generate.js';
import type { Tokenizer } from '../../llm/tokenizer.js';

export const TICKET_FORMAT = /^category: (billing|shipping|account|technical)\npriority: (low|medium|high)$/;

export interface TicketScore {
  format_ok: boolean;
  category_ok: boolean;
  priority_ok: boolean;
}

/** Scores one generated answer (surrounding whitespace ignored) against the expected one, if given. */
export function scoreTicket(output: string, expected?: string): TicketScore {
  const m = TICKET_FORMAT.exec(output.trim());
  const e = expected ? TICKET_FORMAT.exec(expected.trim()) : null;
  return { format_ok: Boolean(m), category_ok: Boolean(m && e && m[1] === e[1]), priority_ok: Boolean(m && e && m[2] === e[2]) };
}

export interface ComplianceReport {
  n: number;
  format_compliance: number; // share of answers in the exact format
  category_accuracy: number;
  priority_accuracy: number;
  samples: Array<{ line: number; prompt: string; output: string; expected: string | null } & TicketScore>;
}

/** Greedy answers for each record's prompt (the conversation without its last assistant turn), scored. */
export async function formatCompliance(im: InferenceModel, tok: Tokenizer, records: DataRecord[], opts: { maxTokens?: number; limit?: number; signal?: AbortSignal } = {}): Promise<ComplianceReport> {
  const samples: ComplianceReport['samples'] = [];
  for (const r of records.slice(0, opts.limit ?? records.length)) {
    if (!r.messages) throw new Error(`line ${r.line}: a "text" record has no prompt to answer`);
    const lastAssistant = r.messages.map((m) => m.role).lastIndexOf('assistant');
    const prompt = lastAssistant >= 0 ? r.messages.slice(0, lastAssistant) : r.messages;
    const expected = lastAssistant >= 0 ? r.messages[lastAssistant].content : null;
    const g = await generate(im, tok, chatPromptIds(tok, prompt), { temperature: 0, maxTokens: opts.maxTokens ?? 48, signal: opts.signal });
    samples.push({ line: r.line, prompt: prompt.map((m) => m.content).join('\n'), output: g.text, expected, ...scoreTicket(g.text, expected ?? undefined) });
  }
  const n = samples.length;
  const share = (k: keyof TicketScore) => (n ? samples.filter((s) => s[k]).length / n : 0);
  return { n, format_compliance: share('format_ok'), category_accuracy: share('category_ok'), priority_accuracy: share('priority_ok'), samples };
}
