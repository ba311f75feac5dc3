import { createServer, request, Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '../src/log/index.js';
import { holderWith, startRig } from '../test/support/tablet-rig.js';
import type { BenchReport, Figure } from './report.js';

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

/** Plain node:http answering every request with these bytes: the baseline, in the same process. */
const plainServer = async (
  bytes: string,
  contentType: string,
): Promise<{ url: string; close: () => Promise<void> }> => {
  const plain = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': contentType });
    res.end(bytes);
  });
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(plain.address() as AddressInfo).port}/`,
    close: () => new Promise((resolve) => plain.close(() => resolve())),
  };
};

interface Pair {
  readonly plain: { rps: number; count: number };
  readonly ours: { rps: number; count: number };
}

/** A warm-up run of each, then the measured runs, alternating, on the same load generator. */
const compare = async (
  oursUrl: string,
  headers: Record<string, string>,
  bytes: string,
  contentType: string,
): Promise<Pair> => {
  const plain = await plainServer(bytes, contentType);
  try {
    await load(plain.url, {});
    await load(oursUrl, headers);
    return { plain: await load(plain.url, {}), ours: await load(oursUrl, headers) };
  } finally {
    await plain.close();
  }
};

/**
 * The tablet's summary read path: GET /panels/summary for a crew session whose card session holds a
 * real summary in the cache (emulated card, visual identity, consent, reference records service,
 * sealed answer, parsed, cached), so each read is the session check, the audited access and the
 * server-rendered panel. Against plain node:http serving the same HTML bytes; then the same session's
 * GET /api/v1/session against plain node:http serving that JSON.
 */
const readPaths = async (): Promise<{ summary: Pair & { bytes: number }; session: Pair }> => {
  const rig = await startRig({ logger: silentLogger });
  try {
    const { crew } = rig;
    await crew.post('/tablet/demo/insert', { holder: String(holderWith('active')) });
    const tap = await crew.tap();
    await crew.post('/tablet/identify', { tap, mode: 'visual' });
    await crew.cardShows('data-phase="identified"');
    await crew.post('/tablet/consent', { tap, basis: 'given' });
    await crew.cardShows('data-outcome="ok"');
    const html = await crew.panel('summary');
    if (!html.includes('data-summary')) throw new Error('the summary panel holds no summary');
    const pair = await compare(
      `${rig.ambulance.url}/panels/summary`,
      { cookie: crew.cookie },
      html,
      'text/html; charset=utf-8',
    );
    if (!(await crew.panel('summary')).includes('data-summary'))
      throw new Error('the session lost its summary during the run');
    // The same session's JSON read (cookie, security headers, locale, access check; no patient data).
    const sessionUrl = `${rig.ambulance.url}/api/v1/session`;
    const json = await (await fetch(sessionUrl, { headers: { cookie: crew.cookie } })).text();
    const session = await compare(sessionUrl, { cookie: crew.cookie }, json, 'application/json');
    return { summary: { ...pair, bytes: Buffer.byteLength(html) }, session };
  } finally {
    await rig.close();
  }
};

export const run = async (): Promise<BenchReport> => {
  const { summary, session } = await readPaths();
  const figures: Figure[] = [
    { name: 'plain node:http, same summary panel HTML', value: summary.plain.rps, unit: 'req/s' },
    {
      name: 'tablet GET /panels/summary (crew, summary cached)',
      value: summary.ours.rps,
      unit: 'req/s',
      baseline: 'plain node:http, same summary panel HTML',
    },
    { name: 'summary panel size', value: summary.bytes / 1024, unit: 'KiB' },
    { name: 'plain node:http, same session JSON', value: session.plain.rps, unit: 'req/s' },
    {
      name: 'tablet GET /api/v1/session (crew, authenticated)',
      value: session.ours.rps,
      unit: 'req/s',
      baseline: 'plain node:http, same session JSON',
    },
  ];
  return {
    bench: 'api',
    figures,
    ratios: {
      'summary panel / plain node:http': summary.ours.rps / summary.plain.rps,
      'session JSON / plain node:http': session.ours.rps / session.plain.rps,
    },
    notes: [
      `loopback, ${CONCURRENCY} in flight, keep-alive, at most ${MAX_REQUESTS} requests or ${MAX_MS} ms per run (a warm-up run of each first)`,
      'summary panel: the ambulance role as the demo runs it (in-process emulated card, reference records service over HTTP, sealed answer, encrypted SummaryCache), one logged-in crew session; every read checks the session, appends an audit entry and renders the panel from the cache',
      'there is no JSON summary read route: the tablet reads the summary only as its server-rendered panel',
      `requests measured: summary panel plain ${summary.plain.count}, ours ${summary.ours.count}; session JSON plain ${session.plain.count}, ours ${session.ours.count}`,
    ],
  };
};
