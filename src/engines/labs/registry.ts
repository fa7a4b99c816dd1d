// Every check kind a lab.yaml may name, by kind. `ftlab content check` rejects unknown kinds and runs
// each kind's validateArgs; `ftlab lab verify` runs them.
//
// Each lab contributes `export const checks: CheckKindTable` from src/engines/labs/<lab-id>/checks.ts,
// imported below. Keep those modules light at import time (import engines inside run()), because
// content validation loads this table (the callers pass it to the content loader).
import { genericChecks } from './checks/index.js';
import { checks as loraChecks } from './lora/checks.js';
import { checks as metricsChecks } from './metrics/checks.js';
import { checks as servingChecks } from './serving/checks.js';
import type { CheckKind, CheckKindTable } from './types.js';

// Lab tables, in the order their kinds are listed.
const labTables: Array<[string, CheckKindTable]> = [
  ['generic', genericChecks],
  ['lora', loraChecks],
  ['metrics', metricsChecks],
  ['serving', servingChecks],
];

function build(): CheckKindTable {
  const table: CheckKindTable = {};
  const owner = new Map<string, string>();
  for (const [lab, kinds] of labTables) {
    for (const [kind, def] of Object.entries(kinds)) {
      const previous = owner.get(kind);
      if (previous) throw new Error(`check kind "${kind}" is registered twice (${previous} and ${lab})`);
      owner.set(kind, lab);
      table[kind] = def;
    }
  }
  return table;
}

export const checkKinds: CheckKindTable = build();

export function checkKind(kind: string): CheckKind | undefined {
  return Object.prototype.hasOwnProperty.call(checkKinds, kind) ? checkKinds[kind] : undefined;
}
