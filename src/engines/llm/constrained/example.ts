// A small, deterministic document of a grammar, for stand-in backends (the echo backend answers structured
// requests with it): required properties only, the fewest array items, the first enum value, numbers as
// close to 0 as the bounds allow, and `text` (cut or padded to the length bounds) in every string.
import { formatScaled } from './automaton.js';
import type { Grammar } from './grammar.js';

export function exampleJson(g: Grammar, text: string): string {
  const h = g.height;
  const value = (id: number): string => {
    const n = g.nodes[id];
    switch (n.t) {
      case 'union': {
        // the shallowest branch, so recursive schemas end
        let best = n.options[0];
        for (const o of n.options) if (h[o] < h[best]) best = o;
        return value(best);
      }
      case 'object':
        return `{${n.props
          .filter((p) => p.required)
          .map((p) => `${JSON.stringify(p.name)}:${value(p.node)}`)
          .join(',')}}`;
      case 'array':
        return `[${Array.from({ length: n.min }, () => value(n.items)).join(',')}]`;
      case 'string': {
        let chars = [...text];
        if (n.max !== null) chars = chars.slice(0, n.max);
        while (chars.length < n.min) chars.push('.');
        return JSON.stringify(chars.join(''));
      }
      case 'number': {
        if (!n.bounds) return '0';
        const { loS, hiS } = n.bounds;
        return formatScaled(loS > 0 ? loS : hiS < 0 ? hiS : 0, n.fracDigits);
      }
      case 'literal':
        return n.texts[0];
    }
  };
  return value(g.root);
}
