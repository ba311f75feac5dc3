import { describe, expect, it } from 'vitest';
import { err, ok, type Result } from '../../src/core/index.js';
import type { DispatchIncoming, StorageErrorCode, Timers } from '../../src/hospital-feed/index.js';
import { createLogger } from '../../src/log/index.js';
import { HELD_MAX, HELD_RETRY_MS, InboxHold } from '../../src/roles/dispatch/inbox-hold.js';

const milestone = (messageId: string): DispatchIncoming =>
  ({
    envelope: { from: 'amb-1', messageId },
    dispatch: {
      kind: 'milestone',
      body: { caseId: 'case-1', unitId: 'amb-1', milestone: 'departure', at: 0 },
    },
  }) as unknown as DispatchIncoming;

/** The hold over a store that fails while `failing` holds; timers run by hand, with their delays. */
const rig = () => {
  const state = { failing: true, applied: [] as string[], dropped: 0 };
  const pending: { fn: () => void; ms: number }[] = [];
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      const entry = { fn, ms };
      pending.push(entry);
      return entry;
    },
    clearTimeout: (handle) => {
      const i = pending.indexOf(handle as (typeof pending)[number]);
      if (i >= 0) pending.splice(i, 1);
    },
  };
  const lines: string[] = [];
  const hold = new InboxHold({
    apply: (incoming): Promise<Result<void, StorageErrorCode>> => {
      if (state.failing) return Promise.resolve(err('storage-failed'));
      state.applied.push(incoming.envelope.messageId);
      return Promise.resolve(ok(undefined));
    },
    timers,
    logger: createLogger({ level: 'debug', sink: (line) => lines.push(line) }),
    dropped: () => {
      state.dropped += 1;
    },
  });
  return { state, pending, hold, lines };
};

describe('the dispatch inbox hold', () => {
  it('holds what its store cannot take, once per id, and applies it once when the store answers', async () => {
    const r = rig();
    await r.hold.take(milestone('m-1'));
    // A copy held again (a redelivery while the store still fails) is held once.
    await r.hold.take(milestone('m-1'));
    await r.hold.take(milestone('m-2'));
    expect(r.hold.size).toBe(2);
    expect(r.pending.map((p) => p.ms)).toEqual([HELD_RETRY_MS]);

    // Still failing: kept, and the next try waits twice as long.
    await r.hold.retry();
    expect(r.hold.size).toBe(2);
    expect(r.pending.map((p) => p.ms)).toEqual([2 * HELD_RETRY_MS]);

    r.state.failing = false;
    await r.hold.retry();
    expect(r.state.applied).toEqual(['m-1', 'm-2']);
    expect(r.hold.size).toBe(0);
    expect(r.pending).toEqual([]);
    // The operator sees the kind and the code, never an id.
    for (const line of r.lines) expect(line).not.toMatch(/m-1|m-2|case-1|amb-1/);
    expect(JSON.parse(r.lines[0] as string)).toMatchObject({ kind: 'milestone', code: 'storage-failed' });
  });

  it(`holds at most ${HELD_MAX}: past that a message is counted as dropped`, async () => {
    const r = rig();
    for (let i = 0; i < HELD_MAX; i++) await r.hold.take(milestone(`m-${i}`));
    expect(r.state.dropped).toBe(0);
    await r.hold.take(milestone('m-over'));
    expect(r.state.dropped).toBe(1);
    expect(r.hold.size).toBe(HELD_MAX);
    // One already held is no new one: held again, nothing dropped.
    await r.hold.take(milestone('m-0'));
    expect(r.state.dropped).toBe(1);
  });

  it('schedules nothing once stopped and logs how many it still held', async () => {
    const r = rig();
    await r.hold.take(milestone('m-1'));
    r.hold.stop();
    expect(r.pending).toEqual([]);
    await r.hold.retry();
    await r.hold.take(milestone('m-2'));
    expect(r.pending).toEqual([]);
    const atStop = r.lines.filter((l) => l.includes('dispatch inbox messages held at stop'));
    expect(atStop).toHaveLength(1);
    expect(JSON.parse(atStop[0] as string)).toMatchObject({ count: 1 });
  });
});
