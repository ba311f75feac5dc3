import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { err, systemClock } from '../../src/core/index.js';
import {
  AmbulanceFeed,
  SqliteOutboxStore,
  systemTimers,
  type FeedLink,
} from '../../src/hospital-feed/index.js';
import { silentLogger } from '../../src/log/index.js';
import { MemoryReplayStore } from '../../src/crypto/index.js';
import { FAST_POLICY } from '../support/feed/harness.js';
import { feedCodec, feedKeys } from '../support/feed/keys.js';
import { sampleReport } from '../support/feed/sample.js';

/** A link that never comes up: the outbox must still accept (store) or refuse on its own. */
const offline: FeedLink = {
  isUp: false,
  receiveMaximum: undefined,
  publish: () => Promise.resolve(err('link-down')),
  subscribe: () => Promise.resolve(err('link-down')),
  onMessage: () => undefined,
  on: () => undefined,
};

// A real tmpfs of 256 KiB. Mounting needs root, as the pcscd tests do and as CI runs: without it
// this file fails rather than skips, so the proof cannot silently drop out.
const mountPoint = mkdtempSync(join(tmpdir(), 'feed-tmpfs-'));
execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mountPoint], { stdio: 'ignore' });

afterAll(() => {
  execFileSync('umount', ['-l', mountPoint]);
});

const keysDir = mkdtempSync(join(tmpdir(), 'feed-keys-'));

const feedOn = async (file: string) => {
  const { codec } = await feedCodec(await feedKeys(keysDir), 'amb-demo-01', {
    store: new MemoryReplayStore(),
  });
  const store = SqliteOutboxStore.open(file);
  if (!store.ok) throw new Error(store.error);
  return {
    store: store.value,
    feed: new AmbulanceFeed({
      unitId: 'amb-demo-01',
      codec,
      link: offline,
      store: store.value,
      clock: systemClock,
      timers: systemTimers,
      random: Math.random,
      newId: () => crypto.randomUUID(),
      policy: FAST_POLICY,
      maxInFlight: 20,
      defaultTtlMs: 3600_000,
      logger: silentLogger,
    }),
  };
};

describe('outbox on a full or read-only file system', () => {
  it('refuses with storage-full once the disk is full, and everything accepted is stored', async () => {
    const { store, feed } = await feedOn(join(mountPoint, 'outbox.sqlite'));
    const errors: string[] = [];
    feed.on('storage-error', (e) => errors.push(e.code));
    let accepted = 0;
    let refusal: string | undefined;
    for (let i = 0; i < 2_000 && refusal === undefined; i++) {
      const r = await feed.submitReport('hosp-demo-a', sampleReport(i));
      if (r.ok) accepted++;
      else refusal = r.error.code;
    }
    expect(refusal).toBe('storage-full');
    expect(accepted).toBeGreaterThan(0);
    expect(errors).toEqual(['storage-full']);
    expect(feed.reports()).toHaveLength(accepted);
    store.close();
    const reopened = SqliteOutboxStore.open(join(mountPoint, 'outbox.sqlite'));
    if (!reopened.ok) throw new Error(reopened.error);
    expect(reopened.value.reports()).toHaveLength(accepted);
    expect(reopened.value.live()).toHaveLength(accepted);
    reopened.value.close();
  });

  it('refuses with storage-read-only on a read-only mount and accepts nothing', async () => {
    // A read-only bind of the same directory: what a tablet sees when its data partition is remounted ro.
    const readOnly = mkdtempSync(join(tmpdir(), 'feed-ro-'));
    execFileSync('mount', ['--bind', mountPoint, readOnly]);
    try {
      execFileSync('mount', ['-o', 'remount,bind,ro', readOnly]);
      // A new outbox cannot even be created there.
      expect(SqliteOutboxStore.open(join(readOnly, 'new.sqlite'))).toEqual({
        ok: false,
        error: 'storage-read-only',
      });
      // An existing one opens (SQLite reads it), but a report is refused and nothing is accepted.
      const { store, feed } = await feedOn(join(readOnly, 'outbox.sqlite'));
      const before = store.reports().length;
      const r = await feed.submitReport('hosp-demo-a', sampleReport(1));
      expect(r.ok ? 'accepted' : r.error.code).toBe('storage-read-only');
      if (!r.ok) expect(r.error.message).toMatch(/NOT saved/);
      expect(feed.reports()).toHaveLength(before);
      expect(store.reports()).toHaveLength(before);
      store.close();
    } finally {
      execFileSync('umount', ['-l', readOnly]);
    }
  });
});
