import { startServer } from '../src/gateway/index.js';
import { silentLogger } from '../src/log/index.js';
import { RecordsClient, parseIpsBytes, systemTimers } from '../src/records/index.js';
import { SeededRandom } from '../src/sim/index.js';
import { abortableSleep, ipsBundle, medicalRecord, recordsService } from '../src/sim/records/index.js';
import { POPULATION, SEED, SERVICE_ID, requestFor } from '../test/support/records-harness.js';
import {
  MemoryStore,
  acceptAnyCard,
  deviceKeys,
  testOpener,
  testSealer,
  testSigner,
  testVerifier,
} from '../test/support/records-ports.js';
import { percentile, type BenchReport, type Figure } from './report.js';

/** Sub-millisecond wall clock in epoch ms (the service checks issuedAt against it). */
const clock = { now: () => performance.timeOrigin + performance.now() };

const median = (xs: readonly number[]): number =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

const activeHolders = (): number[] => {
  const out: number[] = [];
  for (let i = 0; i < POPULATION; i++) if (medicalRecord(SEED, i).status === 'active') out.push(i);
  return out;
};

/**
 * request → parsed summary stored, against records-sim over real HTTP on loopback with real Ed25519
 * signing and X25519 sealing (node:crypto stand-ins until src/crypto lands), at three service latencies.
 */
export const run = async (): Promise<BenchReport> => {
  const device = deviceKeys();
  const holders = activeHolders();
  const figures: Figure[] = [];
  for (const [latencyMs, requests] of [
    [0, 300],
    [50, 60],
    [200, 20],
  ] as const) {
    const rng = new SeededRandom(latencyMs + 1);
    const server = await startServer(
      recordsService({
        seed: SEED,
        populationSize: POPULATION,
        principalId: SERVICE_ID,
        verifier: testVerifier([device]),
        sealer: testSealer([device]),
        cards: acceptAnyCard,
        clock,
        random: () => rng.next(),
        sleep: abortableSleep,
        logger: silentLogger,
        faults: { latencyMs, errorRate: 0, timeoutRate: 0, truncateRate: 0 },
      }),
      { host: '127.0.0.1', port: 0 },
    );
    const store = new MemoryStore(clock, 3_600_000);
    const client = new RecordsClient({
      baseUrl: server.url,
      audience: SERVICE_ID,
      unit: 'amb-bench-01',
      timeoutMs: 8_000,
      retry: { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 5_000 },
      breaker: { failureThreshold: 5, cooldownMs: 30_000 },
      signer: testSigner(device),
      opener: testOpener(device),
      store,
      clock,
      timers: systemTimers,
      random: () => rng.next(),
      logger: silentLogger,
    });
    // Warm up connections and JIT.
    for (let i = 0; i < 5; i++)
      await client.fetchSummary(requestFor(holders[i % holders.length] ?? 0, { session: `warm-${i}` }));
    const totals: number[] = [];
    const upstream: number[] = [];
    const parse: number[] = [];
    const storeMs: number[] = [];
    const hits: number[] = [];
    for (let i = 0; i < requests; i++) {
      const request = requestFor(holders[i % holders.length] ?? 0, { session: `s-${latencyMs}-${i}` });
      const t0 = clock.now();
      const outcome = await client.fetchSummary(request);
      totals.push(clock.now() - t0);
      if (outcome.code !== 'ok' || outcome.timings === undefined)
        throw new Error(`bench request failed: ${outcome.code}`);
      upstream.push(outcome.timings.upstreamMs);
      parse.push(outcome.timings.parseMs);
      storeMs.push(outcome.timings.storeMs);
      const t1 = clock.now();
      await client.fetchSummary(request);
      hits.push(clock.now() - t1);
    }
    await server.close();
    const sorted = [...totals].sort((a, b) => a - b);
    const at = `latency ${latencyMs} ms`;
    figures.push(
      { name: `${at}: request → summary stored, p50`, value: percentile(sorted, 50), unit: 'ms' },
      { name: `${at}: request → summary stored, p95`, value: percentile(sorted, 95), unit: 'ms' },
      { name: `${at}: upstream (sign, HTTP, open), p50`, value: median(upstream), unit: 'ms' },
      { name: `${at}: parse, p50`, value: median(parse), unit: 'ms' },
      { name: `${at}: store, p50`, value: median(storeMs), unit: 'ms' },
      { name: `${at}: repeat served from store, p50`, value: median(hits), unit: 'ms' },
    );
  }
  // Baseline, same run: parsing alone, the bundle bytes already in memory.
  const bundles = holders
    .slice(0, 100)
    .map((i) =>
      new TextEncoder().encode(JSON.stringify(ipsBundle(medicalRecord(SEED, i), new Date().toISOString()))),
    );
  const parseOnly: number[] = [];
  for (let round = 0; round < 5; round++)
    for (const b of bundles) {
      const t = clock.now();
      parseIpsBytes(b);
      parseOnly.push(clock.now() - t);
    }
  const meanBytes = bundles.reduce((n, b) => n + b.length, 0) / bundles.length;
  figures.push(
    { name: 'baseline: parse alone (bundle in memory), p50', value: median(parseOnly), unit: 'ms' },
    { name: 'bundle size, mean', value: meanBytes / 1024, unit: 'KiB' },
  );
  const zero =
    figures.find((f) => f.name === 'latency 0 ms: request → summary stored, p50')?.value ?? Number.NaN;
  return {
    bench: 'records',
    figures,
    ratios: { 'request→stored at 0 ms / parse alone': zero / median(parseOnly) },
    notes: [
      'records-sim on loopback over real HTTP; signing and sealing by node:crypto stand-ins (Ed25519; X25519+HKDF+AES-256-GCM) until src/crypto (issue #4) lands',
      'store: in-memory Map stand-in until src/cache (issue #4) lands; its encryption cost is not included',
      'the card part (reader → CardIdentity) is added when src/reader (issue #3) lands',
      `requests cycle through the ${holders.length} active holders among the first ${POPULATION} of seed ${SEED}; each request uses a new card session (no store hits), then repeats once (a store hit)`,
    ],
  };
};
