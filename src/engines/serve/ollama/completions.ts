// `ftlab backend`'s OpenAI legacy /v1/completions (see ../completions.ts for the shared rules): each prompt
// is one generate job in the workers, streamed as SSE `text_completion` chunks when stream is true.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { completionOptions, completionPrompts, runCompletion, sseData } from '../completions.js';
import { CompatError, unsupportedOpenAIField, wantsStreamUsage } from '../openai-compat.js';
import { StreamWriter } from '../streams.js';
import type { BackendContext } from './context.js';

const SHUTTING_DOWN = 'the server is shutting down, please try again';

function sseWriter(reply: FastifyReply): StreamWriter {
  return new StreamWriter(reply, {
    contentType: 'text/event-stream',
    shutdownChunk: () => sseData({ error: { message: SHUTTING_DOWN, type: 'api_error', param: null, code: null } }),
  });
}

export function registerCompletionRoutes(app: FastifyInstance, ctx: BackendContext): void {
  app.post('/v1/completions', async (req, reply) => {
    const body = ctx.parseBody(req);
    const requested = body.model as string;
    const model = ctx.resolveModel(requested);
    const refused = unsupportedOpenAIField(body);
    if (refused) throw refused;
    const prompts = completionPrompts(body.prompt);
    const options = completionOptions(body);
    ctx.lastUsed.set(model.spec.name, Date.now());
    const signal = ctx.jobSignal(reply);
    const out = body.stream === true ? sseWriter(reply) : undefined;
    try {
      const r = await runCompletion({
        prompts,
        model: requested,
        fingerprint: 'fp_ftlab',
        includeUsage: wantsStreamUsage(body),
        write: out ? (chunk) => out.write(chunk) : undefined,
        generate: async (prompt, onText) => {
          const res = await ctx.pool.submit(model.spec.name, { kind: 'generate', prompt }, options, { signal, onPiece: onText });
          // Stopped by shutdown or a client that left: a partial answer is not an answer.
          if (signal.aborted) throw new CompatError(SHUTTING_DOWN, null, 503);
          return { text: res.text, doneReason: res.doneReason, promptTokens: res.promptTokens, completionTokens: res.evalTokens };
        },
      });
      if (!out) return r.body;
      out.end(r.tail!);
      return reply;
    } catch (err) {
      if (signal.aborted && !out?.started) throw new CompatError(SHUTTING_DOWN, null, 503);
      if (!out?.started) throw err;
      // A started stream has had its last event (shutdown), nobody reads it (client gone), or it failed now.
      if (!signal.aborted)
        out.end(
          sseData({ error: { message: err instanceof Error ? err.message : String(err), type: 'api_error', param: null, code: null } }),
        );
      return reply;
    }
  });
}
