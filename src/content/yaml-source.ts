// YAML parsed with positions, so that every problem can point at the offending node rather than
// just the file. Also used for lesson front matter, which starts a few lines into its file.
import { isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { LineIndex, type Problem } from './problems.js';

export type YamlPath = ReadonlyArray<string | number>;

export class YamlSource {
  private readonly doc: Document.Parsed;

  /**
   * @param path file path relative to the content root (used in problems)
   * @param index line index of the whole file
   * @param text the YAML text (the whole file, or its front matter)
   * @param base offset of `text` inside the file
   */
  constructor(
    readonly path: string,
    private readonly index: LineIndex,
    text: string,
    private readonly base = 0,
  ) {
    this.doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, strict: true });
  }

  /** Syntax errors (bad indentation, unclosed quotes, duplicate keys…), each at its position. */
  syntaxProblems(): Problem[] {
    return this.doc.errors.map((e) => this.problemAtOffset(e.pos[0], `invalid YAML: ${firstLine(e.message)}`));
  }

  get hasErrors(): boolean {
    return this.doc.errors.length > 0;
  }

  toJS(): unknown {
    return this.doc.toJS({ maxAliasCount: 1000 });
  }

  /** The node at `path` (or its deepest existing ancestor). With `key`, the key of the last map entry. */
  locate(path: YamlPath, opts: { key?: boolean } = {}): { line: number; col: number } {
    let node: unknown = this.doc.contents;
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
