import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BODY_LIMIT, startServer, type RunningServer } from '../../src/gateway/index.js';
import { openHarness, type Harness } from './harness.js';

/** Sends raw bytes over a real socket and returns the status line (or the close, if refused at parse). */
const raw = (port: number, head: string, chunks: readonly string[]): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d: Buffer) => {
      answer += d.toString('latin1');
      if (answer.includes('\r\n')) {
        resolve(answer.split('\r\n')[0] ?? '');
        socket.destroy();
      }
    });
    socket.on('error', (e: NodeJS.ErrnoException) =>
      e.code === 'ECONNRESET' || e.code === 'EPIPE' ? resolve(answer) : reject(e),
    );
    socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
    socket.write(head);
    const send = (i: number): void => {
      if (i >= chunks.length || socket.destroyed) return;
      socket.write(chunks[i] as string, () => setImmediate(() => send(i + 1)));
    };
    send(0);
  });

const chunked = (total: number, size = 8192): string[] => {
  const out: string[] = [];
  for (let sent = 0; sent < total; sent += size) out.push(`${size.toString(16)}\r\n${'a'.repeat(size)}\r\n`);
  return [...out, '0\r\n\r\n'];
};

describe('body limit over a real socket', () => {
  let h: Harness;
  let server: RunningServer;
  let port: number;
  beforeAll(async () => {
    h = await openHarness('hospital');
    server = await startServer(h.gateway.app, { host: '127.0.0.1', port: 0 });
    port = Number(new URL(server.url).port);
  });
  afterAll(async () => {
    await server.close();
    h.gateway.close();
  });

  it('refuses an oversized chunked body on a route that reads it', async () => {
    const head =
      'POST /api/v1/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n';
    expect(await raw(port, head, chunked(DEFAULT_BODY_LIMIT * 2))).toBe('HTTP/1.1 413 Payload Too Large');
  });

  it('refuses an oversized chunked body on a route that never reads one', async () => {
    const head = 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n';
    expect(await raw(port, head, chunked(DEFAULT_BODY_LIMIT * 2))).toBe('HTTP/1.1 413 Payload Too Large');
  });

  it('accepts a small chunked body', async () => {
    const head =
      'POST /api/v1/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n';
    expect(await raw(port, head, ['2\r\n{}\r\n', '0\r\n\r\n'])).toBe('HTTP/1.1 400 Bad Request');
  });

  it('refuses an oversized Content-Length before reading', async () => {
    const head = `POST /api/v1/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${DEFAULT_BODY_LIMIT + 1}\r\n\r\n`;
    expect(await raw(port, head, ['{}'])).toBe('HTTP/1.1 413 Payload Too Large');
  });

  it('refuses Content-Length together with Transfer-Encoding (smuggling sign)', async () => {
    const head =
      'POST /api/v1/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n';
    expect(await raw(port, head, chunked(DEFAULT_BODY_LIMIT * 2))).toMatch(/^HTTP\/1\.1 400 /);
  });

  it('refuses the conflict in-process too (for adapters that let it through)', async () => {
    const response = await h.request('/api/v1/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '2', 'transfer-encoding': 'chunked' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'bad-framing' });
  });
});

describe('plain HTTP', () => {
  it('is refused off loopback unless explicitly allowed', async () => {
    const app = { fetch: () => new Response('x') };
    await expect(startServer(app, { host: '0.0.0.0', port: 0 })).rejects.toThrow(/refusing plain HTTP/);
  });
});
