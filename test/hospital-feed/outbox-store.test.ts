import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryOutboxStore, SqliteOutboxStore, type ReportRecord } from '../../src/hospital-feed/index.js';
import { unwrap } from '../support/feed/harness.js';
import { applied, entry, outboxStoreContract, report } from './outbox-store.contract.js';

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

  it('runs only a process-durability write without its fsync, and every write after it (even after a failed one) with FULL', () => {
    // PRAGMA synchronous is the connection's, not the file's: watch what the store sets on its own
    // connection, in order (SQLite: "PRAGMA synchronous", 2 = FULL, 1 = NORMAL).
    const seen: string[] = [];
    const proto = Object.getPrototypeOf(new Database(':memory:').prepare('SELECT 1')) as {
      run: (this: { source: string }, ...args: unknown[]) => unknown;
    };
    const run = proto.run;
    proto.run = function (this: { source: string }, ...args: unknown[]) {
      if (this.source.startsWith('PRAGMA synchronous')) seen.push(this.source);
      else if (this.source.startsWith('INSERT INTO outbox')) seen.push('insert');
      return run.apply(this, args);
    };
    try {
      const store = unwrap(
        SqliteOutboxStore.open(join(mkdtempSync(join(tmpdir(), 'outbox-')), 'outbox.sqlite')),
      );
      store.write({ entries: [entry(1)] });
      store.write({ entries: [entry(2)], durability: 'process' });
      const broken = { ...report(1), latestMessageId: null } as unknown as ReportRecord;
      expect(store.write({ entries: [entry(3)], reports: [broken], durability: 'process' }).ok).toBe(false);
      store.write({ entries: [entry(4)] });
      expect(seen).toEqual([
        'insert',
        'PRAGMA synchronous = NORMAL',
        'insert',
        'PRAGMA synchronous = FULL',
        'PRAGMA synchronous = NORMAL',
        'insert',
        'PRAGMA synchronous = FULL',
        'insert',
      ]);
      store.close();
    } finally {
      proto.run = run;
    }
  });
});
