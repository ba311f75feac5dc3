import type { BenchReport } from './report.js';
import { publish } from './report.js';

/**
 * `node dist/bench/run.js NAME|all`. Each benchmark is bench/NAME.ts exporting `run()`; it measures
 * its baseline in the same run and returns figures, which land in bench/results/NAME.json.
 */
const BENCHES: Readonly<Record<string, () => Promise<{ run(): Promise<BenchReport> }>>> = {
  dispatch: () => import('./dispatch.js'),
  crypto: () => import('./crypto.js'),
  reader: () => import('./reader.js'),
  records: () => import('./records.js'),
  lookup: () => import('./lookup.js'),
  feed: () => import('./feed.js'),
  'roles-rss': () => import('./roles-rss.js'),
  api: () => import('./api.js'),
  drugs: () => import('./drugs.js'),
  qr: () => import('./qr.js'),
};

const main = async (): Promise<number> => {
  const wanted = process.argv[2] ?? 'all';
  const names = wanted === 'all' ? Object.keys(BENCHES) : [wanted];
  if (names.length === 0) {
    process.stderr.write('no benchmarks registered yet\n');
    return 1;
  }
  for (const name of names) {
    const load = BENCHES[name];
    if (load === undefined) {
      process.stderr.write(`unknown benchmark '${name}'; known: ${Object.keys(BENCHES).join(', ')}\n`);
      return 2;
    }
    await publish(await (await load()).run());
  }
  return 0;
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${String(error)}\n`);
    process.exit(1);
  },
);
