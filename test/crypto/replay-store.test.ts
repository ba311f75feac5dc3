import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryReplayStore, SqliteReplayStore } from '../../src/crypto/index.js';
import { replayStoreContract } from './replay-store.contract.js';

const tempFile = (): string => join(mkdtempSync(join(tmpdir(), 'ems-replay-')), 'replay.sqlite');

replayStoreContract('memory', () => new MemoryReplayStore());
replayStoreContract('sqlite', () => new SqliteReplayStore(tempFile()));

describe('SqliteReplayStore', () => {
  it('remembers ids across a restart', () => {
    const file = tempFile();
    const first = new SqliteReplayStore(file);
    expect(first.remember('f'.repeat(32), 5_000)).toBe(true);
    first.close();
    const second = new SqliteReplayStore(file);
    expect(second.remember('f'.repeat(32), 5_000)).toBe(false);
    expect(second.size()).toBe(1);
    second.close();
  });
});
