import { describe, expect, it } from 'vitest';
import {
  ASSIGNMENT_REJECTION,
  buildTimelines,
  checkAssignment,
  checkMilestone,
  computeKpis,
  MILESTONE_REJECTION,
  MILESTONE_SKEW_MS,
  type MilestoneCheck,
  type TimelineEvent,
} from '../../src/dispatch/index.js';
import { decodeDispatchBody, encodeDispatchBody } from '../../src/hospital-feed/index.js';
import { NOW } from './arbitraries.js';

const bytes = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

const check = (over: Partial<MilestoneCheck> = {}): MilestoneCheck => ({
  message: { caseId: 'case-1', unitId: 'amb-1', milestone: 'departure', at: NOW },
  from: 'amb-1',
  senderRole: 'ambulance',
  assignedUnit: 'amb-1',
  recorded: new Set(),
  now: NOW,
  ...over,
});

describe('milestone messages', () => {
  it('parse with the schema: ids, kind and time only; unknown fields dropped, problems name paths', () => {
    const good = { caseId: 'case-1', unitId: 'amb-1', milestone: 'cardRead', at: NOW };
    expect(decodeDispatchBody('milestone', bytes({ ...good, patientName: '山田太郎' }))).toEqual({
      ok: true,
      value: { kind: 'milestone', body: good },
    });
    const bad = decodeDispatchBody('milestone', bytes({ ...good, milestone: '山田太郎', at: -1 }));
    expect(bad).toEqual({ ok: false, error: { code: 'invalid-body', paths: ['milestone', 'at'] } });
    expect(JSON.stringify(bad)).not.toContain('山田');
    expect(decodeDispatchBody('milestone', bytes({ ...good, caseId: 'Case 1' })).ok).toBe(false);
    expect(
      encodeDispatchBody({
        kind: 'assignment',
        body: { caseId: 'case-1', dispatchId: 'dispatch-1', unitId: 'amb-1', assignedAt: NOW },
      }).ok,
    ).toBe(true);
  });

  it('are recorded from the assigned unit, once per kind, dated by the unit', () => {
    expect(checkMilestone(check())).toEqual({
      ok: true,
      value: { caseId: 'case-1', kind: 'departure', at: NOW },
    });
    expect(checkMilestone(check({ now: NOW - MILESTONE_SKEW_MS })).ok).toBe(true);
  });

  it.each([
    ['a hospital signer', { senderRole: 'hospital' }, MILESTONE_REJECTION.notAUnit],
    ['a signer without a valid key', { senderRole: undefined }, MILESTONE_REJECTION.notAUnit],
    ['a body naming another unit', { from: 'amb-2', assignedUnit: 'amb-2' }, MILESTONE_REJECTION.wrongUnit],
    [
      'a unit not assigned',
      {
        from: 'amb-2',
        message: { caseId: 'case-1', unitId: 'amb-2', milestone: 'arrival', at: NOW } as const,
      },
      MILESTONE_REJECTION.notAssigned,
    ],
    ['a case nobody runs', { assignedUnit: undefined }, MILESTONE_REJECTION.notAssigned],
    ['a time far ahead', { now: NOW - MILESTONE_SKEW_MS - 1 }, MILESTONE_REJECTION.fromTheFuture],
    ['a repeat', { recorded: new Set(['departure'] as const) }, MILESTONE_REJECTION.duplicate],
  ] as const)('refuses %s', (_label, over, code) => {
    expect(checkMilestone(check(over))).toEqual({ ok: false, error: code });
  });
});

describe('assignments', () => {
  const message = { caseId: 'case-1', dispatchId: 'dispatch-1', unitId: 'amb-1', assignedAt: NOW };
  const base = { message, from: 'dispatch-1', senderRole: 'dispatch', self: 'amb-1', held: undefined };

  it('are taken from the centre they name, for this unit, unless older than the one held', () => {
    expect(checkAssignment(base)).toEqual({ ok: true, value: message });
    expect(checkAssignment({ ...base, senderRole: 'ambulance' })).toEqual({
      ok: false,
      error: ASSIGNMENT_REJECTION.notDispatch,
    });
    expect(checkAssignment({ ...base, from: 'dispatch-2', senderRole: 'dispatch' })).toEqual({
      ok: false,
      error: ASSIGNMENT_REJECTION.misaddressed,
    });
    expect(checkAssignment({ ...base, self: 'amb-2' })).toEqual({
      ok: false,
      error: ASSIGNMENT_REJECTION.misaddressed,
    });
    const newer = { ...message, caseId: 'case-2', assignedAt: NOW + 1 };
    expect(checkAssignment({ ...base, held: newer })).toEqual({
      ok: false,
      error: ASSIGNMENT_REJECTION.outdated,
    });
  });
});

describe('KPIs from unit milestones', () => {
  it('counts cases per milestone and times the call to the arrival at hospital', () => {
    const at = (minute: number) => NOW + minute * 60_000;
    const events: TimelineEvent[] = [
      { caseId: 'c-1', kind: 'call', at: at(0) },
      { caseId: 'c-1', kind: 'cardRead', at: at(5) },
      { caseId: 'c-1', kind: 'summaryViewed', at: at(6) },
      { caseId: 'c-1', kind: 'departure', at: at(20) },
      { caseId: 'c-1', kind: 'arrival', at: at(40) },
      { caseId: 'c-2', kind: 'call', at: at(0) },
      { caseId: 'c-2', kind: 'cardRead', at: at(8) },
    ];
    const kpis = computeKpis(buildTimelines(events));
    expect(kpis.unitMilestones).toEqual({ cardRead: 2, summaryViewed: 1, departure: 1, arrival: 1 });
    expect(kpis.callToArrival).toEqual({
      count: 1,
      meanMinutes: 40,
      medianMinutes: 40,
      p90Minutes: 40,
      maxMinutes: 40,
    });
    expect(computeKpis([]).callToArrival).toBeNull();
  });
});
