// YAML parsed with positions, so that every problem can point at the offending node rather than
// just the file. Also used for lesson front matter, which starts a few lines into its file.
//
// Two parsers, for speed: js-yaml reads the values (an order of magnitude faster than building
// `yaml`'s document tree), and the `yaml` document with node ranges is built only when a position is
// actually needed — a problem to report, or a `source` line someone reads. If js-yaml rejects the
// text, the `yaml` document is built at once and its errors are the ones reported.
//
// A file that does not parse is reported once, at its first error: after a syntax error the rest of
// the file is read out of step, and the parser's follow-on errors (one stray tab in a bank gave
// 2,082) only bury the cause.
import jsYaml from 'js-yaml';
import { isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node, type YAMLError } from 'yaml';
import { LineIndex, type Problem } from './problems.js';

export type YamlPath = ReadonlyArray<string | number>;

export class YamlSource {
  private parsed: Document.Parsed | undefined;
  private value: unknown;
  private fastOk = false;
  /** js-yaml's reason and offset when it rejected the text (it stops at the first error). */
  private fastError: { reason: string; offset: number } | undefined;

  /**
   * @param path file path relative to the content root (used in problems)
   * @param index line index of the whole file
   * @param text the YAML text (the whole file, or its front matter)
   * @param base offset of `text` inside the file
   */
  constructor(
    readonly path: string,
    private readonly index: LineIndex,
    private readonly text: string,
    private readonly base = 0,
  ) {
    try {
      this.value = jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA, json: false });
      this.fastOk = true;
    } catch (err) {
      const e = err as { reason?: string; mark?: { position?: number } };
      if (typeof e.reason === 'string' && typeof e.mark?.position === 'number') this.fastError = { reason: e.reason, offset: e.mark.position };
      this.document(); // let `yaml` report the syntax error with its own position and wording
    }
  }

  /** The positioned document, built on first use. */
  private document(): Document.Parsed {
    this.parsed ??= parseDocument(this.text, { uniqueKeys: true, prettyErrors: false, strict: true });
    return this.parsed;
  }

  /** The first syntax error (bad indentation, a tab, an unclosed quote, a duplicate key…), at the line at fault. */
  syntaxProblems(): Problem[] {
    if (this.fastOk) return [];
    const first = firstSyntaxError(this.text, this.document().errors, this.fastError, (offset) => this.index.position(this.base + offset).line);
    return first ? [this.problemAtOffset(first.offset, `invalid YAML: ${first.message}`)] : [];
  }

  get hasErrors(): boolean {
    return !this.fastOk && this.document().errors.length > 0;
  }

  toJS(): unknown {
    if (this.fastOk) return this.value;
    return this.document().toJS({ maxAliasCount: 1000 });
  }

  /** The node at `path` (or its deepest existing ancestor). With `key`, the key of the last map entry. */
  locate(path: YamlPath, opts: { key?: boolean } = {}): { line: number; col: number } {
    let node: unknown = this.document().contents;
    let offset = rangeStart(node) ?? 0;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        const keyStart = rangeStart(pair.key);
        if ((last && opts.key) || pair.value == null) {
          offset = keyStart ?? offset;
          break;
        }
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
        node = node.items[seg];
      } else break;
      offset = rangeStart(node) ?? offset;
    }
    return this.index.position(this.base + offset);
  }

  /** Where `path` is, computed only when line or col is read (most sources are never shown). */
  lazyPosition(path: YamlPath): { path: string; line: number; col: number } {
    let pos: { line: number; col: number } | undefined;
    const at = () => (pos ??= this.locate(path));
    const file = this.path;
    return {
      path: file,
      get line() {
        return at().line;
      },
      get col() {
        return at().col;
      },
    };
  }

  problem(path: YamlPath, message: string, opts: { key?: boolean } = {}): Problem {
    return { path: this.path, ...this.locate(path, opts), message };
  }

  problemAtOffset(offset: number, message: string): Problem {
    return { path: this.path, ...this.index.position(this.base + offset), message };
  }
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | undefined)?.range;
  return range ? range[0] : undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * The root cause among a file's syntax errors, placed where the author has to edit:
 * - a tab in the indentation is named as such (js-yaml says so; `yaml` reports what the tab broke);
 * - a line indented deeper than its neighbours makes `yaml` read it as the continuation of the value
 *   above, and it reports that value's line twice ("Implicit keys need to be on a single line",
 *   "Nested mappings are not allowed in compact mappings"): the error goes to the deeper line;
 * - otherwise the earliest error in the file.
 */
export function firstSyntaxError(
  text: string,
  errors: readonly YAMLError[],
  fast: { reason: string; offset: number } | undefined,
  /** 1-based line of an offset in `text`, as the file counts it (front matter starts at line 2). */
  lineOf: (offset: number) => number,
): { offset: number; message: string } | undefined {
  if (fast && /\btab characters?\b/i.test(fast.reason)) {
    return { offset: fast.offset, message: 'a tab in the indentation: YAML indents with spaces only' };
  }
  const multiline = new Set(errors.filter((e) => e.code === 'MULTILINE_IMPLICIT_KEY').map((e) => e.pos[0]));
  let best: { offset: number; message: string } | undefined;
  for (const e of errors) {
    let candidate: { offset: number; message: string };
    if (e.code === 'BLOCK_AS_IMPLICIT_KEY' && multiline.has(e.pos[0])) continue; // the same mistake, said twice
    const [start, end] = e.pos;
    const lastBreak = text.lastIndexOf('\n', Math.max(start, end - 1));
    if (e.code === 'MULTILINE_IMPLICIT_KEY' && lastBreak >= start) {
      // The key runs from the value on one line into the next: the next line is the one out of place.
      let at = lastBreak + 1;
      while (text[at] === ' ' || text[at] === '\t') at++;
      const above = lineOf(start);
      candidate = {
        offset: at,
        message: `this line is indented more than line ${above}, so it continues that line's value: align it with the fields around it (or, if it is text, quote the value)`,
      };
    } else if (e.code === 'DUPLICATE_KEY') {
      const key = text.slice(start).split(/:[ \t\r\n]|\n/)[0]!.trim().replace(/^(["'])(.*)\1$/, '$2');
      candidate = { offset: start, message: `duplicate key${key ? ` "${key}"` : ''}: each field appears once per map (a missing "- " can merge two list items)` };
    } else {
      candidate = { offset: start, message: firstLine(e.message) };
    }
    if (!best || candidate.offset < best.offset) best = candidate;
  }
  return best;
}
