/**
 * A child process for the attachment kill -9 test: an ambulance gateway that, on its first start,
 * submits one report and attaches EMS_SIZE bytes (patternJpeg, seed 42) to it, printing
 * `accepted REPORT_ID`; on every start it sends what its outbox holds and prints `done` once the
 * outbox is empty (every chunk acknowledged by the hospital).
 */
import { join } from 'node:path';
import { SqliteOutboxStore } from '../../../src/hospital-feed/index.js';
import { patternJpeg } from './attachment-sample.js';
import { endpointFromEnv, env } from './child-env.js';
import { unitFeed, unwrap } from './harness.js';
import { sampleReport } from './sample.js';

const dir = env('EMS_DIR');
const endpoint = await endpointFromEnv();
const store = unwrap(SqliteOutboxStore.open(join(dir, 'outbox.sqlite')));
const unit = await unitFeed(endpoint, 'amb-demo-01', { dir, store });
await unit.feed.start();
if (store.reports().length === 0) {
  const report = unwrap(await unit.feed.submitReport('hosp-demo-a', sampleReport(1)));
  unwrap(
    await unit.feed.sendAttachment(report.reportId, {
      mediaType: 'image/jpeg',
      category: 'injury',
      bytes: patternJpeg(Number(env('EMS_SIZE')), 42),
    }),
  );
  process.stdout.write(`accepted ${report.reportId}\n`);
}
const check = (): void => {
  if (unit.feed.pending === 0) process.stdout.write('done\n');
};
unit.feed.on('attachment', check);
unit.feed.on('report', check);
check();
