// Ollama's Modelfile format, as far as `ftlab backend` uses it for /api/create: FROM, ADAPTER, SYSTEM,
// PARAMETER, TEMPLATE, LICENSE, MESSAGE; `# comments`; values in "quotes" or """triple quotes""" (which may
// span lines). Instructions are case-insensitive. Errors name the line but never echo its text: a Modelfile
// may be read from a path a client named, and its contents are not the client's to see.

export interface ParsedModelfile {
  from?: string;
  adapters: string[];
  system?: string;
  template?: string;
  license?: string;
  /** PARAMETER name → values in order (stop may repeat). */
  parameters: Record<string, string[]>;
  messages: number;
}

export class ModelfileError extends Error {}

const INSTRUCTIONS = ['FROM', 'ADAPTER', 'SYSTEM', 'PARAMETER', 'TEMPLATE', 'LICENSE', 'MESSAGE'];

/** A value: """…""" (may span lines), "…" (JSON-style escapes), or the rest of the line as written. */
function unquote(value: string, line: number): string {
  if (value.startsWith('"""')) return value.slice(3, value.endsWith('"""') && value.length >= 6 ? -3 : undefined);
  if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
    try {
      return JSON.parse(value) as string;
    } catch {
      throw new ModelfileError(`Modelfile line ${line}: a quoted value is not closed properly`);
    }
  }
  return value;
}

export function parseModelfile(text: string): ParsedModelfile {
  const out: ParsedModelfile = { adapters: [], parameters: {}, messages: 0 };
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i].trim();
    if (!raw || raw.startsWith('#')) continue;
    const m = /^(\S+)\s*([\s\S]*)$/.exec(raw)!;
    const instruction = m[1].toUpperCase();
    if (!INSTRUCTIONS.includes(instruction))
      throw new ModelfileError(`Modelfile line ${lineNo} is not an instruction (${INSTRUCTIONS.join(', ')}, or a # comment)`);
    let rest = m[2];
    // A """ block runs to the line that closes it.
    if (rest.startsWith('"""') && !(rest.length >= 6 && rest.endsWith('"""'))) {
      const parts = [rest];
      for (i++; i < lines.length; i++) {
        parts.push(lines[i]);
        if (lines[i].trimEnd().endsWith('"""')) break;
      }
      if (i >= lines.length) throw new ModelfileError(`Modelfile line ${lineNo}: a """ block is never closed`);
      rest = parts.join('\n').trimEnd();
    }
    if (!rest) throw new ModelfileError(`Modelfile line ${lineNo}: ${instruction} needs a value`);
    switch (instruction) {
      case 'FROM':
        if (out.from !== undefined) throw new ModelfileError(`Modelfile line ${lineNo}: only one FROM is allowed`);
        out.from = unquote(rest, lineNo);
        break;
      case 'ADAPTER':
        out.adapters.push(unquote(rest, lineNo));
        break;
      case 'SYSTEM':
        out.system = unquote(rest, lineNo);
        break;
      case 'TEMPLATE':
        out.template = unquote(rest, lineNo);
        break;
      case 'LICENSE':
        out.license = unquote(rest, lineNo);
        break;
      case 'MESSAGE':
        out.messages++;
        break;
      case 'PARAMETER': {
        const p = /^(\S+)\s+([\s\S]+)$/.exec(rest);
        if (!p) throw new ModelfileError(`Modelfile line ${lineNo}: PARAMETER needs a name and a value`);
        (out.parameters[p[1].toLowerCase()] ??= []).push(unquote(p[2].trim(), lineNo));
        break;
      }
    }
  }
  if (out.from === undefined) throw new ModelfileError('the Modelfile has no FROM line (FROM <model name or folder>)');
  return out;
}
