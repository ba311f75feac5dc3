import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryOutboxStore, SqliteOutboxStore, type ReportRecord } from '../../src/hospital-feed/index.js';
import { unwrap } from '../support/feed/harness.js';
import { applied, outboxStoreContract, report } from './outbox-store.contract.js';

outboxStoreContract('memory', () => ({ store: new MemoryOutboxStore() }));
outboxStoreContract('SQLite', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'outbox-')), 'outbox.sqlite');
  return { store: unwrap(SqliteOutboxStore.open(file)), reopen: () => unwrap(SqliteOutboxStore.open(file)) };
});

describe('SqliteOutboxStore', () => {
  it('writes an applied message id and its report change in one transaction: a failed write keeps neither', () => {
    const store = unwrap(
      SqliteOutboxStore.open(join(mkdtempSync(join(tmpdir(), 'outbox-')), 'outbox.sqlite')),
    );
    store.write({ reports: [report(1, { hospital: 'received' })] });
    // The report row violates NOT NULL after the id was inserted: the transaction is rolled back whole,
    // as a kill -9 before its commit would leave it.
    const broken = {
      ...report(1, { hospital: 'accepted' }),
      latestMessageId: null,
    } as unknown as ReportRecord;
    const failed = store.write({ applied: [applied('answer-1', 1_000)], reports: [broken] });
    expect(failed.ok).toBe(false);
    expect(store.applied('answer-1')).toBeUndefined();
    expect(store.report('report-1')?.hospital).toBe('received');
    store.close();
  });
});
