import { mkdtempSync } from 'node:fs';
import { createServer, request, Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../src/config/index.js';
import { openGateway, Readiness, startServer } from '../src/gateway/index.js';
import { silentLogger } from '../src/log/index.js';
import { Metrics } from '../src/metrics/index.js';
import type { BenchReport } from './report.js';

const CONCURRENCY = 16;
const MAX_REQUESTS = 20_000;
const MAX_MS = 5_000;

/** A bounded loopback load generator: at most MAX_REQUESTS or MAX_MS, CONCURRENCY in flight, keep-alive. */
const load = async (
  url: string,
  headers: Record<string, string>,
): Promise<{ rps: number; count: number }> => {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const started = Date.now();
  let issued = 0;
  let done = 0;
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = request(url, { agent, headers }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
        res.resume();
        res.on('end', () => resolve());
      });
      req.on('error', reject);
      req.end();
    });
  const worker = async (): Promise<void> => {
    while (issued < MAX_REQUESTS && Date.now() - started < MAX_MS) {
      issued += 1;
      await one();
      done += 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  agent.destroy();
  return { rps: done / ((Date.now() - started) / 1000), count: done };
};

/**
 * The authenticated JSON read path (GET /api/v1/session: session cookie, security headers, body
 * limit, locale, access check) against plain node:http serving the same JSON, in the same run.
 */
export const run = async (): Promise<BenchReport> => {
  const parsed = validateConfig({
    role: 'hospital',
    id: 'hosp-bench',
    dataDir: mkdtempSync(join(tmpdir(), 'ems-bench-api-')),
    mqtt: { url: 'mqtt://127.0.0.1:1' },
  });
  if (!parsed.ok) throw new Error('bench config invalid');
  const gateway = await openGateway({
    config: parsed.value,
    env: {},
    logger: silentLogger,
    metrics: new Metrics({}, false),
    readiness: new Readiness(),
  });
  const server = await startServer(gateway.app, { host: '127.0.0.1', port: 0 });
  const session = gateway.sessions.create('triage-bench', 'triage');
  const cookie = `ems-session=${session.id}`;
  const body = JSON.stringify(
    await (await fetch(`${server.url}/api/v1/session`, { headers: { cookie } })).json(),
  );

  const plain = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  const plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/`;

  await load(plainUrl, {});
  await load(`${server.url}/api/v1/session`, { cookie });
  const baseline = await load(plainUrl, {});
  const ours = await load(`${server.url}/api/v1/session`, { cookie });

  plain.close();
  await server.close();
  gateway.close();
  return {
    bench: 'api',
    figures: [
      { name: 'plain node:http, same JSON', value: baseline.rps, unit: 'req/s' },
      {
        name: 'gateway GET /api/v1/session (authenticated)',
        value: ours.rps,
        unit: 'req/s',
        baseline: 'plain node:http, same JSON',
      },
    ],
    ratios: { 'gateway / plain node:http': ours.rps / baseline.rps },
    notes: [
      `loopback, ${CONCURRENCY} in flight, keep-alive, at most ${MAX_REQUESTS} requests or ${MAX_MS} ms per run (warm-up run first)`,
      `requests measured: plain ${baseline.count}, gateway ${ours.count}`,
    ],
  };
};
