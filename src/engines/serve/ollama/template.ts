// The `template` field of Ollama's /api/generate: a Go text/template that replaces the model's prompt
// template for one request. ftlab renders the part of the language that prompt templates of that form use —
// {{ .System }}, {{ .Prompt }}, {{ .Response }}, {{ if … }}{{ else if … }}{{ else }}{{ end }}, comments and
// the {{- -}} trim markers — and refuses anything else with a 400 naming the action, instead of ignoring the
// template (which would answer from a prompt the client did not ask for).
// As in Ollama, rendering stops at {{ .Response }}: the model's reply continues the prompt from there.

export class TemplateError extends Error {}

type Field = 'System' | 'Prompt' | 'Response';
type Node = { kind: 'text'; text: string } | { kind: 'field'; name: Field } | { kind: 'if'; branches: { cond?: Field; body: Node[] }[] };

const FIELDS: readonly string[] = ['System', 'Prompt', 'Response'];
const SUPPORTED = 'ftlab backend renders {{ .System }}, {{ .Prompt }}, {{ .Response }} and {{ if }}/{{ else }}/{{ end }}';

interface Action {
  kind: 'action';
  body: string;
}

/** Splits a template into text and {{ actions }}, applying the trim markers. */
function lex(template: string): (string | Action)[] {
  const out: (string | Action)[] = [];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{{', i);
    if (open < 0) {
      out.push(template.slice(i));
      break;
    }
    let text = template.slice(i, open);
    const close = template.indexOf('}}', open + 2);
    if (close < 0) throw new TemplateError(`template: unclosed action at offset ${open}`);
    let body = template.slice(open + 2, close);
    if (/^-\s/.test(body)) {
      text = text.trimEnd();
      body = body.slice(1);
    }
    let trimAfter = false;
    if (/\s-$/.test(body)) {
      trimAfter = true;
      body = body.slice(0, -1);
    }
    if (text) out.push(text);
    out.push({ kind: 'action', body: body.trim() });
    i = close + 2;
    if (trimAfter) while (i < template.length && /\s/.test(template[i])) i++;
  }
  return out;
}

function field(expr: string, action: string): Field {
  const m = /^\.(\w+)$/.exec(expr.trim());
  if (!m || !FIELDS.includes(m[1])) throw new TemplateError(`template: unsupported action "{{ ${action} }}" (${SUPPORTED})`);
  return m[1] as Field;
}

function parse(template: string): Node[] {
  const items = lex(template);
  let pos = 0;
  /** Parses nodes until an else/end action (returned, not consumed) or the end. */
  const block = (): { nodes: Node[]; stop?: string } => {
    const nodes: Node[] = [];
    while (pos < items.length) {
      const item = items[pos];
      if (typeof item === 'string') {
        nodes.push({ kind: 'text', text: item });
        pos++;
        continue;
      }
      const action = item.body;
      if (/^\/\*[\s\S]*\*\/$/.test(action)) {
        pos++;
        continue;
      }
      if (action === 'end' || action === 'else' || /^else\s+if\s/.test(action)) return { nodes, stop: action };
      pos++;
      const cond = /^if\s+(.+)$/.exec(action);
      if (cond) {
        const branches: { cond?: Field; body: Node[] }[] = [];
        let current: Field | undefined = field(cond[1], action);
        for (;;) {
          const inner = block();
          branches.push({ cond: current, body: inner.nodes });
          if (inner.stop === undefined) throw new TemplateError(`template: "{{ ${action} }}" has no {{ end }}`);
          pos++;
          if (inner.stop === 'end') break;
          if (current === undefined) throw new TemplateError('template: {{ else }} after {{ else }}');
          const elseIf = /^else\s+if\s+(.+)$/.exec(inner.stop);
          current = elseIf ? field(elseIf[1], inner.stop) : undefined;
        }
        nodes.push({ kind: 'if', branches });
        continue;
      }
      nodes.push({ kind: 'field', name: field(action, action) });
    }
    return { nodes };
  };
  const { nodes, stop } = block();
  if (stop !== undefined) throw new TemplateError(`template: unexpected {{ ${stop} }}`);
  return nodes;
}

/** The prompt `template` makes of these values, up to {{ .Response }}. Throws TemplateError for what it cannot render. */
export function renderTemplate(template: string, values: { System?: string; Prompt: string }): string {
  const nodes = parse(template);
  let out = '';
  const run = (list: Node[]): boolean => {
    for (const node of list) {
      if (node.kind === 'text') out += node.text;
      else if (node.kind === 'field') {
        if (node.name === 'Response') return false;
        out += values[node.name] ?? '';
      } else {
        const branch = node.branches.find((b) => b.cond === undefined || (b.cond !== 'Response' && Boolean(values[b.cond])));
        if (branch && !run(branch.body)) return false;
      }
    }
    return true;
  };
  run(nodes);
  return out;
}
