// Picks free TCP ports on 127.0.0.1 by binding port 0 (all at once, so they are distinct), then
// releasing them. Another process could grab one in between; callers that bind fail clearly then.
import { createServer, type Server } from 'node:net';

export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const s = createServer();
      servers.push(s);
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(0, host, () => resolve());
      });
      const a = s.address();
      if (a === null || typeof a === 'string') throw new Error('could not read a bound port');
      ports.push(a.port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}
