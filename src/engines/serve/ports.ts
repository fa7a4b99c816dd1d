// Port helpers shared by the servers and the lab graders (kept free of heavy imports).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';

/** First free TCP port at or after `from` on `host` (for "port in use" suggestions). */
export async function findFreePort(host: string, from: number, avoid: readonly number[] = []): Promise<number | undefined> {
  for (let port = from; port < Math.min(from + 50, 65536); port++) {
    if (avoid.includes(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, host, () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
  return undefined;
}

/**
 * Who listens on a local TCP port, as "pid 859 (node dist/cli.js backend --port 11435)", or undefined
 * when it cannot be told (not Linux, or the owner is another user's process). Best effort, read from
 * /proc: the listening socket's inode in /proc/net/tcp{,6}, then the process holding that inode.
 */
export function describePortHolder(port: number): string | undefined {
  if (process.platform !== 'linux') return undefined;
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== '0A') continue; // 0A = LISTEN
      if (f[1].split(':')[1] === hexPort && f[9] !== '0') inodes.add(f[9]);
    }
  }
  if (!inodes.size) return undefined;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m && inodes.has(m[1])) {
        let cmd = '';
        try {
          cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
        } catch {
          /* exited meanwhile */
        }
        if (cmd.length > 80) cmd = `${cmd.slice(0, 79)}…`;
        return cmd ? `pid ${pid} (${cmd})` : `pid ${pid}`;
      }
    }
  }
  return undefined;
}

export interface PortChoice {
  /** The port to pass to the server (0 = let the system pick one). */
  port: number;
  /** Set when `preferred` was taken and another port was chosen: one line saying so, for the screen. */
  moved?: string;
  /** The holder of `preferred` when known ("pid N (cmd)"), so the user can stop it. */
  holder?: string;
}

/**
 * The port to start a server on: `preferred` when it is free (0 stays 0), else the next free one,
 * with a line that says why it moved, so the move is never silent. Undefined port: none free nearby.
 */
export async function choosePort(host: string, preferred: number, what: string, avoid: readonly number[] = []): Promise<PortChoice> {
  if (preferred === 0) return { port: 0 };
  // `avoid`: ports a sibling server of the same run is meant to take (the serving lab's API port)
  const free = await findFreePort(host, preferred, avoid);
  if (free === preferred) return { port: preferred };
  const holder = describePortHolder(preferred);
  const by = holder ? `by ${holder}` : 'by another program';
  if (free === undefined)
    return { port: 0, holder, moved: `port ${preferred} is in use ${by} and so are the next 50; ${what} is on a port the system picked` };
  return { port: free, holder, moved: `port ${preferred} is in use ${by}, so ${what} is on port ${free}` };
}
