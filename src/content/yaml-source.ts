// YAML parsed with positions, so that every problem can point at the offending node rather than
// just the file. Also used for lesson front matter, which starts a few lines into its file.
//
// Two parsers, for speed: js-yaml reads the values (an order of magnitude faster than building
// `yaml`'s document tree), and the `yaml` document with node ranges is built only when a position is
// actually needed — a problem to report, or a `source` line someone reads. If js-yaml rejects the
// text, the `yaml` document is built at once and its errors are the ones reported.
import jsYaml from 'js-yaml';
import { isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { LineIndex, type Problem } from './problems.js';

export type YamlPath = ReadonlyArray<string | number>;

export class YamlSource {
  private parsed: Document.Parsed | undefined;
  private value: unknown;
  private fastOk = false;

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
    } catch {
      this.document(); // let `yaml` report the syntax error with its own position and wording
    }
  }

  /** The positioned document, built on first use. */
  private document(): Document.Parsed {
    this.parsed ??= parseDocument(this.text, { uniqueKeys: true, prettyErrors: false, strict: true });
    return this.parsed;
  }

  /** Syntax errors (bad indentation, unclosed quotes, duplicate keys…), each at its position. */
  syntaxProblems(): Problem[] {
    if (this.fastOk) return [];
    return this.document().errors.map((e) => this.problemAtOffset(e.pos[0], `invalid YAML: ${firstLine(e.message)}`));
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
