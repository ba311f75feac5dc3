import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest } from '../support/http-client.js';
import { ROOT } from '../support/paths.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 12, L4, black-box: two roles' servers in one process whose file limit is the common 1,024
 * (`ulimit -n`), and 1,100 idle TCP connections to one of them. Before the fix every connection was
 * accepted and held ~75 s, the process ran out of files, and the other role could not accept either.
 */
const SERVERS = `
import { startServer } from ${JSON.stringify(`${ROOT}dist/src/gateway/index.js`)};
const app = { fetch: () => new Response('ok') };
const a = await startServer(app, { host: '127.0.0.1', port: 0 });
const b = await startServer(app, { host: '127.0.0.1', port: 0 });
process.stdout.write(JSON.stringify({ a: a.url, b: b.url }) + '\\n');
`;

const IDLE = 1_100;
/** The server's header deadline is 10 s, checked every second; what was ~75 s must now be this. */
const CLOSED_WITHIN_MS = 15_000;

describe('idle connections against a running server', () => {
  let child: ChildProcess;
  let urls: { a: string; b: string };
  const sockets: Socket[] = [];
  let closed = 0;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ems-conn-'));
    writeFileSync(join(dir, 'servers.mjs'), SERVERS);
    child = spawn('sh', ['-c', `ulimit -n 1024 && exec "${process.execPath}" servers.mjs`], { cwd: dir });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    urls = await waitFor(
      () => (out.includes('\n') ? (JSON.parse(out) as typeof urls) : undefined),
      'servers up',
    );
    const port = Number(new URL(urls.a).port);
    await Promise.all(
      Array.from(
        { length: IDLE },
        () =>
          new Promise<void>((resolve) => {
            const socket = connect({ host: '127.0.0.1', port });
            sockets.push(socket);
            socket.on('close', () => (closed += 1));
            socket.on('error', () => undefined);
            socket.once('connect', () => resolve());
            socket.once('close', () => resolve());
            // Past the listen backlog a connect may hang in SYN retries; do not wait for those.
            setTimeout(resolve, 5_000).unref();
          }),
      ),
    );
  });
  /** Until the server has dealt with them all: no socket closed for a second. */
  const settled = async (): Promise<void> => {
    let last = -1;
    let since = Date.now();
    await waitFor(() => {
      if (closed !== last) [last, since] = [closed, Date.now()];
      return Date.now() - since >= 1_000 || undefined;
    }, 'connections settled');
  };

  afterAll(() => {
    for (const socket of sockets) socket.destroy();
    child.kill();
  });

  it('the other role in the process still answers while they are open', async () => {
    await settled();
    const answer = await httpRequest(`${urls.b}/`, { timeoutMs: 3_000 });
    expect(answer.status).toBe(200);
  });

  it('holds at most its per-address cap of them, and closes those by the header deadline', async () => {
    await waitFor(() => IDLE - closed <= 32 || undefined, 'connections over the cap refused');
    const started = Date.now();
    await waitFor(() => closed === IDLE || undefined, 'idle connections closed', CLOSED_WITHIN_MS);
    expect(Date.now() - started).toBeLessThan(CLOSED_WITHIN_MS);
    expect((await httpRequest(`${urls.a}/`, { timeoutMs: 3_000 })).status).toBe(200);
  });
});
