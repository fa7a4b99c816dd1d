// Pending repairs: damaged copies (`<file>.corrupt-<time>`) that the store kept aside when it dropped or
// restored something. The copy on disk IS the record: as long as it sits in the progress folder, every
// command that opens the store reminds the user of it (no repair is silent, and none is forgotten after the
// first message). `ftlab progress repairs --clear` (or deleting the copy) dismisses it; --clear moves the
// copies into backups/repairs-<time>/, so nothing is ever deleted on the user's behalf.
import { readdirSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import { stamp } from './atomic.js';
import { guard } from './errors.js';
import { mkdirUnder } from './home.js';

export interface PendingRepair {
  /** The store file that was repaired (e.g. "reviews.jsonl"). */
  file: string;
  /** Full path of the damaged copy kept aside. */
  copy: string;
  /** When the copy was kept (from its name), ISO 8601. */
  keptAt: string;
}

const COPY = /^(.+)\.corrupt-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z(?:-\d+)?$/;

/** The last reminder line: what to do about the kept copies. */
export function clearHint(count: number): string {
  return `${count === 1 ? 'a damaged copy is' : `${count} damaged copies are`} kept aside: look at ${count === 1 ? 'it' : 'them'} (ftlab progress repairs), then run \`ftlab progress repairs --clear\` to stop this reminder`;
}

/** Damaged copies in `home`, oldest first. One readdir: cheap enough for every start. */
export function pendingRepairs(home: string): PendingRepair[] {
  let names: string[];
  try {
    names = readdirSync(home);
  } catch {
    return []; // the store's own open reports an unreadable folder
  }
  const out: PendingRepair[] = [];
  for (const name of names) {
    const m = COPY.exec(name);
    if (!m) continue;
    out.push({ file: m[1]!, copy: join(home, name), keptAt: `${m[2]}-${m[3]}-${m[4]}T${m[5]}:${m[6]}:${m[7]}Z` });
  }
  return out.sort((a, b) => a.keptAt.localeCompare(b.keptAt) || a.copy.localeCompare(b.copy));
}

/** One line per pending repair, for the reminder. */
export function repairLine(r: PendingRepair): string {
  return `${r.file} was repaired on ${r.keptAt.slice(0, 16).replace('T', ' ')} UTC; the damaged copy is kept as ${r.copy}`;
}

/** Move every pending copy into `<home>/backups/repairs-<time>/`; returns where they went. */
export function clearRepairs(home: string): { dir: string | undefined; moved: PendingRepair[] } {
  const pending = pendingRepairs(home);
  if (pending.length === 0) return { dir: undefined, moved: [] };
  return guard(() => {
    const dir = mkdirUnder(home, 'backups', `repairs-${stamp()}`);
    for (const r of pending) renameSync(r.copy, join(dir, basename(r.copy)));
    return { dir, moved: pending };
  });
}
