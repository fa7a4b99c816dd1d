// Port helpers shared by the servers and the lab graders (kept free of heavy imports).
import { createServer } from 'node:net';

/** First free TCP port at or after `from` on `host` (for "port in use" suggestions). */
export async function findFreePort(host: string, from: number): Promise<number | undefined> {
  for (let port = from; port < Math.min(from + 50, 65536); port++) {
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, host, () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
  return undefined;
}
