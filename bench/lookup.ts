import type { FourItemsQuery } from '../src/records/index.js';
import { hasNamesake, medicalRecord, registeredHolder } from '../src/sim/records/index.js';
import { p, POPULATION, recordsBench, SEED } from './records-setup.js';
import type { BenchReport, Figure } from './report.js';

const WARM = 20;
const RUNS = 300;

/**
 * Card-less lookup round trip (issue 13) on the product's own parts: the records client signs the
 * query with the device key, the reference records service (real HTTP on loopback) matches it against
 * its 1000-holder register with namesakes and seals the bound answer, the client opens and checks it.
 * Then the confirmed candidate's summary through the same request path as a card's. The baseline is
 * a plain GET of the same service (`/healthz`) over the same loopback in the same run: what HTTP alone
 * costs. Each lookup is made by another crew member id, so the per-crew-member limit never refuses.
 */
export const run = async (): Promise<BenchReport> => {
  const bench = await recordsBench('lookup');

  // Queries: holders with a namesake (two candidates) and without (one), as typed at the scene.
  const queries: FourItemsQuery[] = [];
  let pairs = 0;
  for (let i = 0; i < POPULATION && queries.length < 16; i++) {
    if (medicalRecord(SEED, i).status !== 'active') continue;
    const h = registeredHolder(SEED, i);
    queries.push({ kind: 'four-items', nameKana: h.nameKana, birthDate: h.birthDate, sex: h.sex });
    if (hasNamesake(i)) pairs += 1;
  }

  const records = await bench.startRecords({ kinds: 'sealed' });
  const client = bench.client(records);

  const lookup: number[] = [];
  const confirmed: number[] = [];
  const get: number[] = [];
  const candidates: number[] = [];
  const healthz = `${records.url}/healthz`;
  try {
    for (let i = 0; i < WARM + RUNS; i++) {
      const query = queries[i % queries.length] as FourItemsQuery;
      // The baseline, interleaved so both see the same machine load.
      const g0 = performance.now();
      await (await fetch(healthz)).arrayBuffer();
      const g1 = performance.now();
      const t0 = performance.now();
      const found = await client.lookup(query, `crew-bench-${i}`);
      const t1 = performance.now();
      if (found.code !== 'ok' || found.candidates[0] === undefined)
        throw new Error(`lookup failed: ${found.code}`);
      const first = found.candidates[0];
      const session = `cs-lookup-${i}`;
      const summary = await client.fetchSummary({
        identity: { ref: first.ref, method: 'four-items', score: first.score, confirmedBy: 'crew-bench' },
        consent: { basis: 'given' },
        purpose: 'emergency-care',
        crewMember: 'crew-bench',
        session,
      });
      const t2 = performance.now();
      bench.cache.purgeSession(session);
      // A namesake picked first has no records at this service: that is an answer too, not a failure.
      if (summary.code !== 'ok' && summary.code !== 'not-found')
        throw new Error(`candidate summary failed: ${summary.code}`);
      if (i < WARM) continue;
      get.push(g1 - g0);
      lookup.push(t1 - t0);
      confirmed.push(t2 - t0);
      candidates.push(found.candidates.length);
    }
  } finally {
    await records.close();
    await bench.close();
  }

  const figures: Figure[] = [
    {
      name: 'lookup round trip (sign, HTTP, match, seal, open), p50',
      value: p(lookup, 50),
      unit: 'ms',
      baseline: 'baseline: plain GET /healthz, p50',
    },
    {
      name: 'lookup round trip (sign, HTTP, match, seal, open), p95',
      value: p(lookup, 95),
      unit: 'ms',
      baseline: 'baseline: plain GET /healthz, p95',
    },
    { name: 'lookup → confirmed candidate’s summary, p50', value: p(confirmed, 50), unit: 'ms' },
    { name: 'lookup → confirmed candidate’s summary, p95', value: p(confirmed, 95), unit: 'ms' },
    { name: 'baseline: plain GET /healthz, p50', value: p(get, 50), unit: 'ms' },
    { name: 'baseline: plain GET /healthz, p95', value: p(get, 95), unit: 'ms' },
    {
      name: 'candidates per lookup, mean',
      value: candidates.reduce((a, b) => a + b, 0) / candidates.length,
      unit: 'count',
    },
  ];
  return {
    bench: 'lookup',
    figures,
    ratios: {
      'lookup p50 / GET p50': p(lookup, 50) / p(get, 50),
      'lookup p95 / GET p95': p(lookup, 95) / p(get, 95),
    },
    notes: [
      `${RUNS} lookups after ${WARM} warm-up, ${queries.length} queries (name kana, birth date, sex), ${pairs} of them holders with a namesake`,
      `register of ${POPULATION} holders plus namesakes, indexed by birth date and insurer number; loopback HTTP, no added latency`,
    ],
  };
};
