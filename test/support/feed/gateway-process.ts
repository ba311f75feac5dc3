/**
 * A child process for the fault tests: an ambulance gateway that submits reports up to EMS_TOTAL,
 * continuing after a kill -9 from what its outbox already holds. Prints `accepted N` and `done` when
 * every report is acknowledged by the hospital.
 */
import { join } from 'node:path';
import { SqliteOutboxStore } from '../../../src/hospital-feed/index.js';
import { endpointFromEnv, env } from './child-env.js';
import { unitFeed, unwrap } from './harness.js';
import { sampleReport } from './sample.js';

const total = Number(env('EMS_TOTAL'));
const dir = env('EMS_DIR');
const endpoint = await endpointFromEnv();
const store = unwrap(SqliteOutboxStore.open(join(dir, 'outbox.sqlite')));
const unit = await unitFeed(endpoint, 'amb-demo-01', { dir, store });
await unit.feed.start();
let accepted = store.reports().length;
const allReceived = (): boolean =>
  accepted === total && unit.feed.reports().every((r) => r.state === 'received');
const check = (): void => {
  if (allReceived()) process.stdout.write('done\n');
};
unit.feed.on('report', check);
const pace = Number(process.env['EMS_PACE_MS'] ?? '0');
while (accepted < total) {
  const r = await unit.feed.submitReport('hosp-demo-a', sampleReport(accepted));
  if (r.ok) process.stdout.write(`accepted ${++accepted}\n`);
  if (pace > 0) await new Promise((resolve) => setTimeout(resolve, pace));
}
check();
