/**
 * A child process for the fault tests: the hospital receiver. Prints `new ID` for each board
 * `report-new` event and `dup` for each duplicate suppressed. For bench:feed, with EMS_BENCH=1:
 * `new ID TIME` and `attachment STATUS TIME` (TIME: ms since the epoch, fractional, from
 * `epochNow`), and `rss BYTES` twice a second.
 * With EMS_DIE_IN_BATCH=N it kills itself (SIGKILL) inside its first inbox transaction of ≥ N reports.
 */
import { writeSync } from 'node:fs';
import { endpointFromEnv, env } from './child-env.js';
import { epochNow, hospitalFeed } from './harness.js';

const hospital = await hospitalFeed(await endpointFromEnv(), 'hosp-demo-a', env('EMS_DIR'));
// With EMS_DIE_IN_BATCH=N: kill -9 of this process inside the first inbox transaction that holds at
// least N reports, after they were stored in it and before its commit (group commit, docs/protocol.md).
const dieAt = Number(process.env['EMS_DIE_IN_BATCH'] ?? 'NaN');
if (Number.isFinite(dieAt)) {
  const { inbox } = hospital;
  const receive = inbox.receive.bind(inbox);
  const batch = inbox.batch.bind(inbox);
  let inBatch: string[] = [];
  inbox.receive = (m) => (inBatch.push(m.message.body.reportId), receive(m));
  inbox.batch = (steps) =>
    batch(() => {
      inBatch = [];
      steps();
      if (inBatch.length < dieAt) return;
      writeSync(1, `dying in batch ${inBatch.join(',')}\n`);
      // SIGKILL to itself ends the process here: the transaction never commits.
      process.kill(process.pid, 'SIGKILL');
    });
}
const bench = process.env['EMS_BENCH'] === '1';
hospital.receiver.on('board', (e) => {
  if (e.type === 'report-new')
    process.stdout.write(bench ? `new ${e.report.reportId} ${epochNow()}\n` : `new ${e.report.reportId}\n`);
});
if (bench) {
  hospital.receiver.on('attachment', (a) => process.stdout.write(`attachment ${a.status} ${epochNow()}\n`));
  setInterval(() => process.stdout.write(`rss ${process.memoryUsage().rss}\n`), 500);
}
let duplicates = 0;
setInterval(() => {
  if (hospital.counts.duplicates !== duplicates) {
    duplicates = hospital.counts.duplicates;
    process.stdout.write(`dup ${duplicates}\n`);
  }
}, 200);
await hospital.receiver.start();
process.stdout.write('ready\n');
