import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, ok } from '../../src/core/index.js';
import type { DirectoryView } from '../../src/crypto/index.js';
import {
  MIN_RETENTION_MS,
  type DispatchIncoming,
  type EnvelopeCodec,
  type PublishLink,
} from '../../src/hospital-feed/index.js';
import { silentLogger } from '../../src/log/index.js';
import {
  CASES_FILE,
  caseRetention,
  SqliteCaseStore,
  TimelineStore,
  UnitDesk,
} from '../../src/roles/dispatch/index.js';
import { unwrap } from '../support/feed/harness.js';

const T0 = Date.parse('2026-11-30T08:00:00Z');

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

const milestone = (messageId: string, unitId: string, kind: 'departure' | 'arrival'): DispatchIncoming =>
  ({
    envelope: { from: unitId, messageId },
    dispatch: { kind: 'milestone', body: { caseId: 'case-1', unitId, milestone: kind, at: T0 } },
  }) as unknown as DispatchIncoming;

/**
 * The unit assigned to a dispatch case, in cases.sqlite, and each unit milestone with its envelope id
 * in one commit in timeline.sqlite: a reopened unit desk (a restarted dispatch process) still takes
 * the assigned unit's milestones, each once, and knows the ids of those it recorded (the replay check).
 */
describe('dispatch units and milestones across a reopen', () => {
  const rig = (dir: string, clock: ManualClock) => {
    const store = SqliteCaseStore.open(join(dir, CASES_FILE));
    if (!store.ok) throw new Error(store.error);
    const timeline = unwrap(TimelineStore.open(join(dir, 'timeline.sqlite')));
    closers.push(
      () => store.value.close(),
      () => timeline.close(),
    );
    const loaded = store.value.load(caseRetention(clock.now()), clock.now());
    if (!loaded.ok) throw new Error(loaded.error);
    const units = new UnitDesk({
      dispatchId: 'dispatch-1',
      codec: {
        seal: () => Promise.resolve({ messageId: 'm-assign', bytes: new Uint8Array([1]) }),
      } as unknown as EnvelopeCodec,
      link: { publish: () => Promise.resolve(ok(undefined)) } as unknown as PublishLink,
      directory: {
        current: { currentKey: (id: string) => (id.startsWith('amb-') ? { role: 'ambulance' } : undefined) },
      } as unknown as DirectoryView,
      clock,
      timeline,
      store: store.value,
      restored: loaded.value.cases,
      logger: silentLogger,
    });
    return { units, timeline, store: store.value };
  };

  it('keeps the assigned unit, takes its milestones once each, and refuses another unit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ems-units-'));
    const first = rig(dir, new ManualClock(T0));
    expect(await first.units.assign('case-1', 'amb-1')).toEqual(ok(undefined));
    expect(first.units.receive(milestone('m-1', 'amb-1', 'departure'))?.ok).toBe(true);
    for (const close of closers.splice(0)) close();

    const second = rig(dir, new ManualClock(T0 + 60_000));
    expect(second.units.assignedUnit('case-1')).toBe('amb-1');
    expect(second.timeline.received('m-1')).toEqual(ok(true));
    expect(second.units.receive(milestone('m-2', 'amb-1', 'departure'))).toMatchObject({
      ok: false,
      error: 'duplicate',
    });
    expect(second.units.receive(milestone('m-3', 'amb-2', 'arrival'))).toMatchObject({
      ok: false,
      error: 'notAssigned',
    });
    expect(second.units.receive(milestone('m-4', 'amb-1', 'arrival'))?.ok).toBe(true);
    expect(unwrap(second.timeline.ofCase('case-1')).map((e) => e.kind)).toEqual(['departure', 'arrival']);
    expect(['m-2', 'm-3'].map((id) => unwrap(second.timeline.received(id)))).toEqual([false, false]);
    // A reassignment is kept too.
    expect(await second.units.assign('case-1', 'amb-2')).toEqual(ok(undefined));
    for (const close of closers.splice(0)) close();
    expect(rig(dir, new ManualClock(T0 + 120_000)).units.assignedUnit('case-1')).toBe('amb-2');
  });

  it("keeps a milestone's id as long as an envelope can be accepted, then forgets it", () => {
    const dir = mkdtempSync(join(tmpdir(), 'ems-units-'));
    const timeline = unwrap(TimelineStore.open(join(dir, 'timeline.sqlite')));
    closers.push(() => timeline.close());
    timeline.appendMilestone({ caseId: 'case-1', kind: 'departure', at: T0 }, 'm-old', T0);
    timeline.appendMilestone({ caseId: 'case-2', kind: 'departure', at: T0 }, 'm-new', T0 + MIN_RETENTION_MS);
    expect(timeline.received('m-old')).toEqual(ok(true));
    timeline.appendMilestone(
      { caseId: 'case-3', kind: 'departure', at: T0 },
      'm-later',
      T0 + MIN_RETENTION_MS + 1,
    );
    expect(['m-old', 'm-new', 'm-later'].map((id) => unwrap(timeline.received(id)))).toEqual([
      false,
      true,
      true,
    ]);
    // The milestones themselves stay (the yearly figures).
    expect(unwrap(timeline.since(0))).toHaveLength(3);
    expect([...unwrap(timeline.milestonesOf('case-1'))]).toEqual(['departure']);
  });
});
