import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { classifyDrug, loadDrugCatalogue, YJ_SYSTEM, type DrugCatalogue } from '../src/records/index.js';
import { percentile, type BenchReport } from './report.js';

/** The MHLW price list copy the tests use (../shared, never in the repository); EMS_DRUG_CATALOGUE overrides. */
const LIST =
  process.env['EMS_DRUG_CATALOGUE'] ??
  fileURLToPath(new URL('../../../shared/data/mhlw-price-list/20250716.csv', import.meta.url));
const LOADS = 15;
const ROUNDS = 5;

const median = (xs: readonly number[]): number =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

/** Baseline for the load: read the same file and index its lines by code in a plain Map. */
const plainIndex = (path: string): Map<string, string> => {
  const map = new Map<string, string>();
  for (const line of readFileSync(path, 'utf8').split('\n').slice(1)) map.set(line.split(',')[1] ?? '', line);
  return map;
};

const timeEach = (times: number, f: () => void): number[] =>
  Array.from({ length: times }, () => {
    const t0 = performance.now();
    f();
    return performance.now() - t0;
  });

/** Operations per second over `inputs`, best of ROUNDS (the first round warms the JIT up). */
const throughput = <T>(inputs: readonly T[], f: (input: T) => unknown): number => {
  let best = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    for (const input of inputs) f(input);
    best = Math.max(best, inputs.length / ((performance.now() - t0) / 1000));
  }
  return best;
};

export const run = async (): Promise<BenchReport> => {
  const loaded = loadDrugCatalogue(LIST);
  if (!loaded.ok) throw new Error(`drug catalogue: ${loaded.error.message}`);
  const catalogue: DrugCatalogue = loaded.value;
  const load = median(timeEach(LOADS, () => loadDrugCatalogue(LIST)));
  const baselineLoad = median(timeEach(LOADS, () => plainIndex(LIST)));

  const codes = catalogue.products.map((p) => p.code);
  const names = catalogue.products.map((p) => p.name);
  const byCode = throughput(codes, (code) =>
    classifyDrug({ codings: [{ system: YJ_SYSTEM, code }], names: [] }, catalogue),
  );
  const byName = throughput(names, (name) => classifyDrug({ codings: [], names: [name] }, catalogue));
  const lookup = throughput(codes, (code) => catalogue.byCode.get(code));
  return Promise.resolve({
    bench: 'drugs',
    figures: [
      { name: 'catalogue load (parse + index), median', value: load, unit: 'ms', baseline: 'plain-load' },
      { name: 'plain-load: read + split + Map by code, median', value: baselineLoad, unit: 'ms' },
      { name: 'classify by YJ code (every product)', value: byCode, unit: 'ops/s', baseline: 'map-lookup' },
      {
        name: 'classify by product name (every product)',
        value: byName,
        unit: 'ops/s',
        baseline: 'map-lookup',
      },
      { name: 'map-lookup: catalogue.byCode.get', value: lookup, unit: 'ops/s' },
    ],
    ratios: {
      'load / plain load': load / baselineLoad,
      'map lookup / classify by code': lookup / byCode,
      'map lookup / classify by name': lookup / byName,
    },
    notes: [`${catalogue.products.length} products from ${LIST}`],
  });
};
