/**
 * bench:feed's burst senders, in processes of their own. The 50 units of the mass-casualty burst run
 * on 50 tablets in the field; in one process their synchronous SQLite commits (better-sqlite3 holds
 * its thread until the fsync returns) would wait for each other, which no tablet does. So the units
 * are split over a few processes, and the baselines' senders the same way, unit for unit, so that a
 * ratio compares like with like.
 * EMS_BURST_MODE `feed`: each unit's AmbulanceFeed (prepareBurst); `durable`: per unit, a SQLite file
 * (durable-table.ts) and a link as the unit, each payload inserted then published at QoS 1 with the
 * feed's window; `raw`: the same without the file. Prints `ready` once every link is up, sends on a
 * `go` line on stdin, then prints (times: `epochNow`) for `feed` `submitted ID TIME` per report,
 * `acked TIME` and `drained TIME`; for the baselines `sent TIME` once every publish has its PUBACK.
 */
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { topics } from '../../../src/hospital-feed/index.js';
import { patternJpeg } from './attachment-sample.js';
import { prepareBurst } from './burst.js';
import { endpointFromEnv, env } from './child-env.js';
import { durableTable } from './durable-table.js';
import { connectLink, epochNow } from './harness.js';

/** The feed's window of envelopes in flight per unit (harness.ts `unitFeed`). */
const WINDOW = 20;

const mode = env('EMS_BURST_MODE');
const units = env('EMS_BURST_UNITS').split(',');
const perUnit = Number(env('EMS_BURST_PER_UNIT'));
const photoBytes = Number(env('EMS_BURST_PHOTO'));
const hospital = env('EMS_BURST_HOSPITAL');
const dir = env('EMS_DIR');
const endpoint = await endpointFromEnv();
const go = new Promise<void>((resolve) =>
  createInterface({ input: process.stdin }).on('line', (line) => line === 'go' && resolve()),
);

/** One baseline unit: its payloads (a report-sized one and its photo per report) published in order. */
const baselineUnit = async (unit: string, u: number, store: (bytes: Uint8Array) => void) => {
  const link = connectLink(endpoint, unit);
  await new Promise<void>((resolve) => (link.isUp ? resolve() : link.once('up', () => resolve())));
  const payloads = Array.from({ length: perUnit }, (_, i) => [
    new Uint8Array(Number(env('EMS_BURST_REPORT'))).fill(65),
    patternJpeg(photoBytes, u * 1000 + i + 1),
  ]).flat();
  return async (): Promise<void> => {
    const inFlight = new Set<Promise<unknown>>();
    for (const p of payloads) {
      if (inFlight.size >= WINDOW) await Promise.race(inFlight);
      store(p);
      const sent: Promise<unknown> = link
        .publish(topics.hospitalInbox(hospital), p)
        .then(() => inFlight.delete(sent));
      inFlight.add(sent);
    }
    await Promise.all(inFlight);
  };
};

if (mode === 'feed') {
  const burst = await prepareBurst({
    endpoint,
    dir,
    units,
    perUnit,
    photoBytes,
    hospital,
    timeoutMs: 600_000,
  });
  process.stdout.write('ready\n');
  await go;
  const result = await burst.go();
  for (const [id, at] of result.submittedAt) process.stdout.write(`submitted ${id} ${at}\n`);
  process.stdout.write(`acked ${result.reportsAckedAt}\ndrained ${result.drainedAt}\n`);
} else {
  const senders = await Promise.all(
    units.map((unit, u) =>
      baselineUnit(unit, u, mode === 'durable' ? durableTable(join(dir, `${unit}.sqlite`)) : () => undefined),
    ),
  );
  process.stdout.write('ready\n');
  await go;
  await Promise.all(senders.map((send) => send()));
  process.stdout.write(`sent ${epochNow()}\n`);
}
