/**
 * A child process for the fault tests: the hospital receiver. Prints `new ID` for each board
 * `report-new` event and `dup` for each duplicate suppressed. For the burst benchmark, with
 * EMS_BENCH=1: `new ID TIME` (ms since the epoch), `attachment STATUS`, and `rss BYTES` twice a second.
 */
import { join } from 'node:path';
import { feedKeys } from './keys.js';
import { hospitalFeed } from './harness.js';

const dir = process.env['EMS_DIR'] ?? '.';
const pkiDir = process.env['EMS_PKI'];
const endpoint = {
  keys: await feedKeys(process.env['EMS_KEYS'] ?? ''),
  url: process.env['EMS_URL'] ?? '',
  protocolVersion: Number(process.env['EMS_PROTOCOL'] ?? '5') as 4 | 5,
  ...(pkiDir === undefined
    ? {}
    : {
        pki: {
          dir: pkiDir,
          ca: join(pkiDir, 'ca.crt'),
          cert: (p: string) => join(pkiDir, `${p}.crt`),
          key: (p: string) => join(pkiDir, `${p}.key`),
        },
      }),
};
const hospital = await hospitalFeed(endpoint, 'hosp-demo-a', dir);
const bench = process.env['EMS_BENCH'] === '1';
hospital.receiver.on('board', (e) => {
  if (e.type === 'report-new')
    process.stdout.write(bench ? `new ${e.report.reportId} ${Date.now()}\n` : `new ${e.report.reportId}\n`);
});
if (bench) {
  hospital.receiver.on('attachment', (a) => process.stdout.write(`attachment ${a.status}\n`));
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
