// The compiled form of a JSON Schema (or of "any JSON object") that constrained decoding walks: a table of
// nodes that refer to each other by index, so recursive schemas ($ref to an enclosing definition) are
// plain cycles in the table. schema.ts builds it; automaton.ts matches bytes against it.

/** What the client asked the reply to be: any JSON object, or a document valid against a JSON Schema. */
export type OutputFormat =
  | { type: 'json' }
  | {
      type: 'json_schema';
      schema: Record<string, unknown>;
      /** OpenAI's json_schema.name / description / strict, kept so that a request can be forwarded as it came. */
      name?: string;
      description?: string;
      strict?: boolean | null;
    };

/** A schema this engine cannot honour; `keyword` names the keyword at fault and `path` where it is (a JSON pointer). */
export class SchemaError extends Error {
  constructor(
    message: string,
    readonly keyword: string | null,
    readonly path: string,
  ) {
    super(message);
    this.name = 'SchemaError';
  }
}

export interface Prop {
  name: string;
  /** The key as it must appear in the reply: JSON.stringify(name) in UTF-8, quotes included. */
  enc: Uint8Array;
  node: number;
  required: boolean;
}

/** Numeric bounds, in units of 10^-frac, over the values the matcher can write (|value| ≤ maxMag units). */
export interface NumBounds {
  lo: { value: number; exclusive: boolean } | null;
  hi: { value: number; exclusive: boolean } | null;
  /** Smallest and largest scaled value that satisfy both bounds exactly (as JSON.parse reads the text). */
  loS: number;
  hiS: number;
}

export type GNode =
  | { t: 'union'; options: number[] }
  | {
      t: 'object';
      /** Declared properties, in the order the reply must list them. */
      props: Prop[];
      /** Value node for free-form keys (an object without declared properties), or null: no other keys. */
      free: number | null;
      /** Index of the last required property, -1 if none: `}` may come once the reply is past it. */
      lastRequired: number;
    }
  | { t: 'array'; items: number; min: number; max: number | null }
  | { t: 'string'; min: number; max: number | null }
  | {
      t: 'number';
      integer: boolean;
      /** Digits allowed before the point, and after it (0 for integers). */
      intDigits: number;
      fracDigits: number;
      /** Exponents (e+12) are written only by unbounded numbers. */
      exponent: boolean;
      bounds: NumBounds | null;
    }
  /** A closed set of JSON texts (enum, const, true/false, null), matched byte for byte. */
  | { t: 'literal'; texts: string[]; bytes: Uint8Array[] };

export interface Grammar {
  nodes: GNode[];
  root: number;
  /** Fewest levels of objects/arrays a value of each node needs (0 for scalars; Infinity: no value at all). */
  height: number[];
}

/** Longest run of whitespace between two tokens of JSON (spaces only; see nextWs in automaton.ts). */
export const MAX_WS = 1;

/** Deepest nesting of objects and arrays a reply may have (JSON parsers have limits too; this keeps state keys short). */
export const MAX_DEPTH = 64;
