// A lab's working folder: where the learner runs the lab's commands, edits its starter files and keeps
// what they make. The shipped lab folder may be read-only (a global npm install) and sits wherever npm
// put it, so lab instructions never point into it: each command block starts with
// `cd "$(ftlab lab path ID)"`, which works from any folder, and uses paths inside this working folder.
// It lives in the progress folder and starts as a copy of the lab's `data/` and `starter/` folders;
// a file already there is never overwritten, so the learner's edits survive later calls.
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The lab folders a working folder starts with (others, such as solution/, stay in the package). */
export const WORKSPACE_FOLDERS = ['data', 'starter'] as const;

export function labWorkspaceDir(home: string, labId: string): string {
  return join(home, 'labs', labId, 'work');
}

export interface LabWorkspace {
  dir: string;
  /** Files copied by this call, relative to the working folder (none when it was complete). */
  copied: string[];
}

/** Creates (or completes) the working folder of the lab shipped in `labDir`; returns where it is. */
export function ensureLabWorkspace(home: string, labId: string, labDir: string): LabWorkspace {
  const dir = labWorkspaceDir(home, labId);
  mkdirSync(dir, { recursive: true });
  const copied: string[] = [];
  const copyTree = (from: string, to: string) => {
    for (const name of readdirSync(from)) {
      const src = join(from, name);
      const dst = join(to, name);
      if (statSync(src).isDirectory()) {
        mkdirSync(dst, { recursive: true });
        copyTree(src, dst);
      } else if (!existsSync(dst)) {
        copyFileSync(src, dst);
        copied.push(relative(dir, dst));
      }
    }
  };
  for (const folder of WORKSPACE_FOLDERS) {
    const src = join(labDir, folder);
    if (!existsSync(src) || !statSync(src).isDirectory()) continue;
    mkdirSync(join(dir, folder), { recursive: true });
    copyTree(src, join(dir, folder));
  }
  return { dir, copied };
}
