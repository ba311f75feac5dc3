/**
 * A child process for the ambulance's kill-window test: opens the unit's outbox in EMS_DIR and hands
 * its feed the hospital's envelope in EMS_DIR/answer.bin. The outbox is wrapped so that the process
 * kills itself (SIGKILL, as kill -9) inside the SQLite transaction that applies the message: after the
 * message id row is inserted and before the report row is written and the transaction commits.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteOutboxStore, type OutboxStore, type ReportRecord } from '../../../src/hospital-feed/index.js';
import { unitOnFakeLink, unwrap } from './harness.js';
import { feedKeys } from './keys.js';

const dir = process.env['EMS_DIR'];
if (dir === undefined) throw new Error('EMS_DIR missing');
const real = unwrap(SqliteOutboxStore.open(join(dir, 'outbox.sqlite')));

// Iterated by the store's transaction only after it inserted the applied id (see SqliteOutboxStore),
// so the kill lands between "seen" and "applied", before the commit.
const killedWhileWriting: Iterable<ReportRecord> = {
  [Symbol.iterator]: () => {
    process.stdout.write('killing\n');
    process.kill(process.pid, 'SIGKILL');
    return [][Symbol.iterator]();
  },
};

const store: OutboxStore = {
  write: (change) =>
    real.write(
      change.applied === undefined
        ? change
        : { ...change, reports: killedWhileWriting as readonly ReportRecord[] },
    ),
  entry: (id) => real.entry(id),
  live: () => real.live(),
  report: (id) => real.report(id),
  reports: () => real.reports(),
  applied: (id) => real.applied(id),
  formKey: (key) => real.formKey(key),
  thread: (peer, reportId) => real.thread(peer, reportId),
  threadByEnvelope: (id) => real.threadByEnvelope(id),
  outcomes: () => real.outcomes(),
  close: () => real.close(),
};
const unit = await unitOnFakeLink(await feedKeys(dir), store);
await unit.deliver(readFileSync(join(dir, 'answer.bin')));
process.stdout.write(`survived ${unit.feed.reports()[0]?.state ?? 'none'}\n`);
