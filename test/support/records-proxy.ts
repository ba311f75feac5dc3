import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchOwnConnection } from './http-client.js';

/**
 * An interception proxy between a tablet and its records service, as the outside review ran one
 * (issue 12, H1). It can only do what anyone on the path can: pass a request on, hold back the
 * answer (the tablet sees a 503 and retries), and later serve a held answer to a different request.
 * It cannot open or forge an answer: those are sealed to the tablet and signed by the service.
 */
export type ProxyMode =
  /** Forward, and give the tablet the service's answer. */
  | 'pass'
  /** Forward; keep the service's 200 answer, tell the tablet 503; then `pass` again. */
  | 'withhold-once'
  /** Do not forward; give the tablet the answer held earlier. */
  | 'swap';

export interface RecordsProxy {
  readonly url: string;
  /** The records service the proxy forwards to. */
  target: string;
  mode: ProxyMode;
  /** The answer held back by `withhold-once`. */
  readonly held: Uint8Array | undefined;
  /** Answers served from the hold (`swap`). */
  readonly swapped: number;
  close(): Promise<void>;
}

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

export const startRecordsProxy = async (): Promise<RecordsProxy> => {
  let held: Uint8Array | undefined;
  let swapped = 0;
  const state = { target: '', mode: 'pass' as ProxyMode };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    if (state.mode === 'swap' && held !== undefined) {
      swapped += 1;
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(held);
      return;
    }
    const upstream = await fetchOwnConnection(new URL(req.url ?? '/', state.target).href, {
      method: req.method ?? 'GET',
      headers: { 'content-type': req.headers['content-type'] ?? 'application/octet-stream' },
      ...(body.length > 0 ? { body } : {}),
    });
    const answer = new Uint8Array(await upstream.arrayBuffer());
    if (state.mode === 'withhold-once' && upstream.status === 200) {
      held = answer;
      state.mode = 'pass';
      res
        .writeHead(503, { 'content-type': 'application/json', 'retry-after': '0' })
        .end(JSON.stringify({ outcome: 'unavailable' }));
      return;
    }
    res
      .writeHead(upstream.status, {
        'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream',
      })
      .end(answer);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(502).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    get target() {
      return state.target;
    },
    set target(url: string) {
      state.target = url;
    },
    get mode() {
      return state.mode;
    },
    set mode(mode: ProxyMode) {
      state.mode = mode;
    },
    get held() {
      return held;
    },
    get swapped() {
      return swapped;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
