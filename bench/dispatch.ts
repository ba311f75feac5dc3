import { DEFAULT_RANKING_POLICY, haversineKm, rankHospitals, type Incident } from '../src/dispatch/index.js';
import { SeededRandom, sampleRegion } from '../src/sim/index.js';
import { percentile, type BenchReport } from './report.js';

const HOSPITALS = 2_000;
const INCIDENTS = 400;
const WARMUP = 50;
const NOW = Date.UTC(2026, 4, 1, 3, 0, 0);
const CATEGORIES = ['stroke', 'stemi', 'trauma', 'cardiacArrest', 'paediatrics'] as const;

const micros = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1000;

/**
 * Ranking over 2,000 hospitals against the least any ranking must do: a plain sort of the same
 * 2,000 haversine distances, measured on the same incidents in the same run.
 */
const measure = (): BenchReport => {
  const { region, statuses } = sampleRegion({ seed: 11, count: HOSPITALS, now: NOW });
  const statusMap = new Map(statuses.map((s) => [s.hospitalId, s]));
  const rng = new SeededRandom(99);
  const incidents: Incident[] = Array.from({ length: INCIDENTS + WARMUP }, () => ({
    location: { lat: 35.3 + rng.next() * 0.45, lon: 139.2 + rng.next() * 0.7 },
    category: rng.pick(CATEGORIES),
    acuity: rng.chance(0.3) ? 'critical' : 'serious',
  }));
  const refusals = region.hospitals
    .filter(() => rng.chance(0.1))
    .map((h) => ({ hospitalId: h.id, at: NOW - rng.int(0, 5 * 3600) * 1000 }));

  const ours: number[] = [];
  const baseline: number[] = [];
  let rankedTotal = 0;
  let sink = 0;
  for (const [i, incident] of incidents.entries()) {
    let start = process.hrtime.bigint();
    const r = rankHospitals({
      incident,
      hospitals: region.hospitals,
      statuses: statusMap,
      refusals,
      now: NOW,
      policy: DEFAULT_RANKING_POLICY,
    });
    const t1 = micros(start);
    if (!r.ok) throw new Error(r.error.code);
    rankedTotal += r.value.ranked.length;

    start = process.hrtime.bigint();
    const distances = region.hospitals.map((h) => ({
      id: h.id,
      km: haversineKm(incident.location, h.location),
    }));
    distances.sort((a, b) => a.km - b.km);
    const t2 = micros(start);
    sink += distances[0]?.km ?? 0; // keeps the baseline's result alive

    if (i >= WARMUP) {
      ours.push(t1);
      baseline.push(t2);
    }
  }
  ours.sort((a, b) => a - b);
  baseline.sort((a, b) => a - b);
  const p = (xs: number[], q: number): number => percentile(xs, q) / 1000;
  return {
    bench: 'dispatch',
    figures: [
      {
        name: 'rank 2,000 hospitals p50',
        value: p(ours, 50),
        unit: 'ms',
        baseline: 'sort 2,000 distances p50',
      },
      {
        name: 'rank 2,000 hospitals p99',
        value: p(ours, 99),
        unit: 'ms',
        baseline: 'sort 2,000 distances p99',
      },
      { name: 'sort 2,000 distances p50', value: p(baseline, 50), unit: 'ms' },
      { name: 'sort 2,000 distances p99', value: p(baseline, 99), unit: 'ms' },
    ],
    ratios: {
      'rank / sort p50': p(ours, 50) / p(baseline, 50),
      'rank / sort p99': p(ours, 99) / p(baseline, 99),
    },
    notes: [
      `${INCIDENTS} incidents after ${WARMUP} warm-up, ${statuses.length} statuses, ${refusals.length} refusals`,
      `ranked (not excluded) hospitals per incident on average: ${(rankedTotal / (INCIDENTS + WARMUP)).toFixed(0)}`,
      `nearest hospital on average: ${(sink / (INCIDENTS + WARMUP)).toFixed(2)} km`,
    ],
  };
};

export const run = (): Promise<BenchReport> => Promise.resolve(measure());
