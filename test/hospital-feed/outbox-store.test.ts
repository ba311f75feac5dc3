import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryOutboxStore, SqliteOutboxStore } from '../../src/hospital-feed/index.js';
import { unwrap } from '../support/feed/harness.js';
import { outboxStoreContract } from './outbox-store.contract.js';

outboxStoreContract('memory', () => ({ store: new MemoryOutboxStore() }));
outboxStoreContract('SQLite', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'outbox-')), 'outbox.sqlite');
  return { store: unwrap(SqliteOutboxStore.open(file)), reopen: () => unwrap(SqliteOutboxStore.open(file)) };
});
