import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { phi } from '../src/log/index.js';
import { parseTrustAnchors, ReaderService, type IdentifyRequest } from '../src/reader/index.js';
import { parseSummaryBytes } from '../src/records/index.js';
import { recordsIdentity } from '../src/roles/tablet/index.js';
import { cardholder } from '../src/sim/index.js';
import { EmulatedCard, InProcessReader, loadOrCreateCard } from '../src/sim/card/index.js';
import { ipsBundle, medicalRecord } from '../src/sim/records/index.js';
import { fhirFigures } from './records-fhir.js';
import { p, RECORDS, recordsBench, SEED, UNIT, POPULATION } from './records-setup.js';
import type { BenchReport, Figure } from './report.js';

const HOLDERS = 8;
const RUNS: readonly (readonly [latencyMs: number, taps: number])[] = [
  [0, 80],
  [50, 40],
  [200, 16],
];
const BASELINE_GETS = 400;
/** Sub-millisecond wall clock in epoch ms, for the client's own part timings (the cache stamps whole ms). */
const fineClock = { now: () => performance.timeOrigin + performance.now() };

const activeHolders = (): number[] => {
  const out: number[] = [];
  for (let i = 0; i < POPULATION && out.length < HOLDERS; i++)
    if (medicalRecord(SEED, i).status === 'active') out.push(i);
  return out;
};

/** The same bundle bytes records-sim serves, from plain node:http: what the transport alone costs. */
const baselineGets = async (bundles: readonly Uint8Array[]): Promise<number[]> => {
  let next = 0;
  const server = createServer((_req, res) => {
    const body = bundles[next++ % bundles.length] as Uint8Array;
    res.writeHead(200, { 'content-type': 'application/fhir+json', 'content-length': body.byteLength });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const times: number[] = [];
  try {
    for (let i = 0; i < BASELINE_GETS + 20; i++) {
      const t0 = performance.now();
      await (await fetch(url)).arrayBuffer();
      if (i >= 20) times.push(performance.now() - t0);
    }
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  return times;
};

/**
 * Card present → summary in the cache, on the product's own parts: the emulated card in the
 * in-process reader (visual identity and PIN mode, certificate checked against the emulator CA), the
 * records client with the device's key (signed request) and envelope opener (sealed answer, checked
 * against the pinned directory), the reference records service over real HTTP on loopback, the IPS
 * parser, and the encrypted SummaryCache; at records-sim latencies of 0, 50 and 200 ms.
 */
/** Median of `runs` timed calls after `warm` untimed ones. */
const timeIt = (fn: () => unknown, warm = 20, runs = 200): number => {
  const times: number[] = [];
  for (let i = 0; i < warm + runs; i++) {
    const t0 = performance.now();
    fn();
    if (i >= warm) times.push(performance.now() - t0);
  }
  return p(times, 50);
};

/** Parse cost of real Japanese FHIR and of a merged patient, next to JSON.parse of the same bytes. */
const parseFigures = (figures: Figure[], ratios: Record<string, number>): void => {
  const measure = (label: string, inputs: readonly Uint8Array[]) => {
    const decoder = new TextDecoder();
    const ours = timeIt(() => parseSummaryBytes(inputs));
    const json = timeIt(() => inputs.map((b) => JSON.parse(decoder.decode(b)) as unknown));
    const kib = inputs.reduce((n, b) => n + b.length, 0) / 1024;
    figures.push(
      {
        name: `parse ${label} (${kib.toFixed(0)} KiB), p50`,
        value: ours,
        unit: 'ms',
        baseline: `JSON.parse ${label}, p50`,
      },
      { name: `JSON.parse ${label}, p50`, value: json, unit: 'ms' },
    );
    ratios[`parse ${label} / JSON.parse`] = ours / json;
  };
  const jp = new URL('../../../shared/fixtures/jp/', import.meta.url);
  if (existsSync(jp)) {
    const files = readdirSync(jp).filter((f) => f.endsWith('.json'));
    const largest = files.sort((a, b) => statSync(new URL(b, jp)).size - statSync(new URL(a, jp)).size)[0];
    if (largest !== undefined)
      measure(`largest JP document ${largest}`, [readFileSync(new URL(largest, jp))]);
  }
  const record = medicalRecord(SEED, activeHolders()[0] ?? 0);
  const five = ['2026-01-05', '2026-02-05', '2026-03-05', '2026-04-05', '2026-05-05'].map((d) =>
    new TextEncoder().encode(JSON.stringify(ipsBundle(record, `${d}T09:00:00+09:00`))),
  );
  measure('merged five-bundle patient', five);
};

export const run = async (): Promise<BenchReport> => {
  const bench = await recordsBench('records');
  const anchors = parseTrustAnchors(bench.ca.certificatePem);
  if (!anchors.ok) throw new Error(anchors.error);
  const holders = activeHolders();
  const cards = await Promise.all(holders.map((i) => loadOrCreateCard(bench.cardState, SEED, i)));
  const backend = new InProcessReader();
  const reader = new ReaderService(backend, { trustAnchors: anchors.value });

  const figures: Figure[] = [];
  const ratios: Record<string, number> = {};
  const totalsAtZero: number[] = [];
  try {
    for (const [latencyMs, taps] of RUNS) {
      const records = await bench.startRecords({
        faults: { latencyMs, errorRate: 0, timeoutRate: 0, truncateRate: 0 },
      });
      const client = bench.client(records, fineClock);
      const m = {
        total: [] as number[],
        cardVisual: [] as number[],
        cardPin: [] as number[],
        upstream: [] as number[],
        parse: [] as number[],
        cache: [] as number[],
        repeat: [] as number[],
      };
      // The first taps warm connections and the JIT; they are not counted.
      const warm = 4;
      for (let i = 0; i < warm + taps; i++) {
        const index = holders[i % holders.length] as number;
        const pinMode = i % 2 === 1;
        const request: IdentifyRequest = pinMode
          ? { mode: 'pin', pin: phi(cardholder(SEED, index).authPin) }
          : { mode: 'visual', attester: 'crew-bench' };
        const t0 = performance.now();
        backend.insert(new EmulatedCard(cards[i % cards.length] as (typeof cards)[number]));
        const card = await reader.identify(request);
        const t1 = performance.now();
        if (!card.ok) throw new Error(`card not identified: ${card.error.code}`);
        const fetchRequest = {
          identity: recordsIdentity(card.value),
          consent: { basis: 'given' },
          purpose: 'emergency-care',
          crewMember: 'crew-bench',
          session: `cs-bench-${latencyMs}-${i}`,
        } as const;
        const outcome = await client.fetchSummary(fetchRequest);
        const t2 = performance.now();
        if (outcome.code !== 'ok' || outcome.timings === undefined)
          throw new Error(`records request failed: ${outcome.code}`);
        const again = await client.fetchSummary(fetchRequest);
        const t3 = performance.now();
        if (again.code !== 'ok' || again.source !== 'store') throw new Error('the repeat missed the cache');
        backend.remove();
        bench.cache.purgeSession(fetchRequest.session);
        if (i < warm) continue;
        m.total.push(t2 - t0);
        (pinMode ? m.cardPin : m.cardVisual).push(t1 - t0);
        m.upstream.push(outcome.timings.upstreamMs);
        m.parse.push(outcome.timings.parseMs);
        m.cache.push(outcome.timings.storeMs);
        m.repeat.push(t3 - t2);
      }
      await records.close();
      if (latencyMs === 0) totalsAtZero.push(...m.total);
      const at = `latency ${latencyMs} ms`;
      figures.push(
        { name: `${at}: card present → summary in cache, p50`, value: p(m.total, 50), unit: 'ms' },
        { name: `${at}: card present → summary in cache, p95`, value: p(m.total, 95), unit: 'ms' },
        { name: `${at}: card (visual identity), p50`, value: p(m.cardVisual, 50), unit: 'ms' },
        { name: `${at}: card (visual identity), p95`, value: p(m.cardVisual, 95), unit: 'ms' },
        { name: `${at}: card (PIN mode), p50`, value: p(m.cardPin, 50), unit: 'ms' },
        { name: `${at}: card (PIN mode), p95`, value: p(m.cardPin, 95), unit: 'ms' },
        { name: `${at}: upstream (sign, HTTP, open), p50`, value: p(m.upstream, 50), unit: 'ms' },
        { name: `${at}: upstream (sign, HTTP, open), p95`, value: p(m.upstream, 95), unit: 'ms' },
        { name: `${at}: parse, p50`, value: p(m.parse, 50), unit: 'ms' },
        { name: `${at}: parse, p95`, value: p(m.parse, 95), unit: 'ms' },
        { name: `${at}: cache (encrypt, store), p50`, value: p(m.cache, 50), unit: 'ms' },
        { name: `${at}: cache (encrypt, store), p95`, value: p(m.cache, 95), unit: 'ms' },
        { name: `${at}: repeat served from cache, p50`, value: p(m.repeat, 50), unit: 'ms' },
      );
    }

    const fhir = await fhirFigures({
      reader,
      backend,
      cards,
      holders,
      seed: SEED,
      store: bench.store,
      purge: (session) => bench.cache.purgeSession(session),
      identity: bench.identity,
      unit: UNIT,
      keyFile: bench.keys.keyFile(RECORDS),
      directoryFile: bench.keys.directoryFile,
      operatorPublicKey: bench.keys.operatorPublicKey,
      runs: RUNS,
    });
    figures.push(...fhir.figures);

    const bundles = holders.map((i) =>
      new TextEncoder().encode(JSON.stringify(ipsBundle(medicalRecord(SEED, i), new Date().toISOString()))),
    );
    const baseline = await baselineGets(bundles);
    const meanBytes = bundles.reduce((n, b) => n + b.length, 0) / bundles.length;
    figures.push(
      {
        name: 'baseline: node:http GET of the same bundle bytes, p50',
        value: p(baseline, 50),
        unit: 'ms',
      },
      {
        name: 'baseline: node:http GET of the same bundle bytes, p95',
        value: p(baseline, 95),
        unit: 'ms',
      },
      { name: 'bundle size, mean', value: meanBytes / 1024, unit: 'KiB' },
    );
    const upstreamZero = figures.find((f) => f.name === 'latency 0 ms: upstream (sign, HTTP, open), p50');
    ratios['card→cache at 0 ms / plain GET, p50'] = p(totalsAtZero, 50) / p(baseline, 50);
    ratios['upstream at 0 ms / plain GET, p50'] = (upstreamZero?.value ?? Number.NaN) / p(baseline, 50);
    ratios['FHIR $summary card→cache at 0 ms / plain GET, p50'] = p(fhir.totalsAtZero, 50) / p(baseline, 50);
  } finally {
    await reader.close();
    await bench.close();
  }
  parseFigures(figures, ratios);
  return {
    bench: 'records',
    figures,
    ratios,
    notes: [
      'one process: emulated card in the in-process reader (visual identity and PIN mode alternate; the certificate is checked against the emulator CA), RecordsClient with the device key (Ed25519-signed request) and the envelope opener (X25519-sealed answer, sender checked in the pinned directory), reference records service (startReferenceRecords: directory verification, card check, envelope sealing) over real HTTP on loopback, IPS parse, SummaryCache (encrypted at rest)',
      'card = card inserted → verified identity; upstream, parse and cache as timed by RecordsClient; total = card present → summary in cache',
      `taps cycle through the first ${HOLDERS} active holders of seed ${SEED}; each tap is a new card session (no cache hit), then repeats once (a cache hit); retries off, so a failure stops the bench`,
      'baseline: plain node:http serving the same bundle bytes (no signing, sealing, parsing or cache), fetched by the same fetch, same run',
      'parse figures: parseSummaryBytes (UTF-8 decode, JSON.parse, sections, merge) against JSON.parse of the same bytes, 200 runs after 20 warm-up; largest JP document = the largest file of ../shared/fixtures/jp; five-bundle patient = five IPS documents of one holder assembled at five times (every fact five times: the de-duplication path)',
      'FHIR kind: FhirRecordsClient (SMART Backend Services token by the device key, EdDSA; cached after the first tap) against the reference FHIR server (medplum FhirRouter + MemoryRepository, per-patient compartments) on the same port kind, over node:http on loopback; "$summary" = Patient search by POST + Patient/$summary; "search assembly" = Patient search + 11 parallel searches; round trips counted per summary after warm-up; the same plain-GET baseline (the $summary document holds the same resources as the IPS bundle)',
    ],
  };
};
