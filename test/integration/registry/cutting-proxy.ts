// A TCP proxy on 127.0.0.1 that cuts the connection it carries once — a network failure during an
// upload: either in the middle of a request body (after `bytes` went upstream), or just as the
// n-th PATCH request starts, before any of it reaches the registry.
import { connect, createServer, type Server } from 'node:net';
import { freePort } from '../../helpers/services.js';

export interface CuttingProxy {
  host: string;
  /** Connections cut so far. */
  cuts(): number;
  close(): Promise<void>;
}

export type Cut = { bytes: number } | { beforePatch: number };

export async function startCuttingProxy(target: { host: string; port: number }, cut: Cut): Promise<CuttingProxy> {
  let cuts = 0;
  let forwarded = 0;
  let patches = 0;
  const server: Server = createServer((client) => {
    const upstream = connect(target);
    client.on('data', (d: Buffer) => {
      forwarded += d.length;
      if (d.subarray(0, 6).toString('latin1') === 'PATCH ') patches++;
      const now = 'bytes' in cut ? forwarded > cut.bytes : patches === cut.beforePatch;
      if (cuts === 0 && now) {
        cuts++;
        client.destroy();
        upstream.destroy();
        return;
      }
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => client.write(d));
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.end());
    upstream.on('close', () => client.end());
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { host: `127.0.0.1:${port}`, cuts: () => cuts, close: () => new Promise((r) => server.close(() => r())) };
}
