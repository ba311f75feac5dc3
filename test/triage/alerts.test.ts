import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import type { Timers } from '../../src/hospital-feed/index.js';
import { AlertDesk } from '../../src/roles/triage/alert-desk.js';
import {
  alertPhase,
  alertSignal,
  dueEscalations,
  isOpen,
  nextWake,
  raisesAcuity,
  type Alert,
} from '../../src/roles/triage/alerts.js';

const MIN = 60_000;
/** The configuration's default: every 2 minutes, escalate at 20. */
const schedule = { repeatEveryMs: 2 * MIN, escalateAfterMs: 20 * MIN };
const T0 = Date.parse('2026-11-30T08:00:00Z');
const report = { kind: 'report', unitId: 'amb-1', reportId: 'r-00000001' } as const;
const alert = (over: Partial<Alert> = {}): Alert => ({
  key: 'new-report:amb-1/r-00000001',
  kind: 'new-report',
  subject: report,
  raisedAt: T0,
  acuity: 2,
  ...over,
});

/** Timers that only record what was asked: the test moves the clock and fires by hand. */
const recordingTimers = () => {
  let pending: { fn: () => void; ms: number } | undefined;
  const timers: Timers = {
    setTimeout: (fn, ms) => (pending = { fn, ms }),
    clearTimeout: (h) => {
      if (h === pending) pending = undefined;
    },
  };
  return {
    timers,
    get delay() {
      return pending?.ms;
    },
    fire: () => {
      const p = pending;
      pending = undefined;
      p?.fn();
    },
  };
};

describe('re-alert schedule (pure, injected time)', () => {
  it('alerts at once, re-alerts every 2 minutes, escalates at 20 and keeps re-alerting', () => {
    const at = (m: number) => alertPhase(alert(), T0 + m * MIN, schedule);
    expect(at(0)).toEqual({ kind: 'alerting', round: 0, nextAt: T0 + 2 * MIN });
    expect(at(1.99)).toEqual({ kind: 'alerting', round: 0, nextAt: T0 + 2 * MIN });
    expect(at(2)).toEqual({ kind: 'alerting', round: 1, nextAt: T0 + 4 * MIN });
    expect(at(19.9)).toEqual({ kind: 'alerting', round: 9, nextAt: T0 + 20 * MIN });
    expect(at(20)).toEqual({ kind: 'escalated', round: 10, nextAt: T0 + 22 * MIN });
    expect(at(45)).toEqual({ kind: 'escalated', round: 22, nextAt: T0 + 46 * MIN });
  });

  it('an escalation between two rounds is its own phase change and its own signal', () => {
    const s = { repeatEveryMs: 3 * MIN, escalateAfterMs: 10 * MIN };
    const before = alertPhase(alert(), T0 + 9.5 * MIN, s);
    const after = alertPhase(alert(), T0 + 10 * MIN, s);
    expect(before).toEqual({ kind: 'alerting', round: 3, nextAt: T0 + 10 * MIN });
    expect(after).toEqual({ kind: 'escalated', round: 3, nextAt: T0 + 12 * MIN });
    if (!isOpen(before) || !isOpen(after)) throw new Error('open');
    expect(alertSignal(before)).not.toBe(alertSignal(after));
  });

  it('an acknowledged alert is over; an inquiry is over at its deadline', () => {
    expect(alertPhase(alert({ ended: { kind: 'acknowledged', by: 'u', at: T0 } }), T0, schedule)).toEqual({
      kind: 'ended',
    });
    const inquiry = alert({ kind: 'inquiry', deadline: T0 + 2 * MIN });
    expect(alertPhase(inquiry, T0 + 1 * MIN, schedule)).toEqual({
      kind: 'alerting',
      round: 0,
      nextAt: T0 + 2 * MIN,
    });
    expect(alertPhase(inquiry, T0 + 2 * MIN, schedule)).toEqual({ kind: 'expired' });
  });

  it('wakes at the earliest change of any open alert; escalations fall due once', () => {
    const a = alert();
    const b = alert({ key: 'b', raisedAt: T0 + 1.5 * MIN });
    const c = alert({ key: 'c', raisedAt: T0 - 60 * MIN, ended: { kind: 'closed', at: T0 } });
    expect(nextWake([a, b, c], T0 + 1 * MIN, schedule)).toBe(T0 + 2 * MIN);
    expect(nextWake([a, b, c], T0 + 2 * MIN, schedule)).toBe(T0 + 3.5 * MIN);
    expect(nextWake([c], T0, schedule)).toBeUndefined();
    expect(dueEscalations([a, b, c], T0 + 20 * MIN, schedule).map((x) => x.key)).toEqual([a.key]);
    expect(dueEscalations([{ ...a, escalatedAt: T0 + 20 * MIN }], T0 + 30 * MIN, schedule)).toEqual([]);
  });

  it('only a lower JTAS number is a rise in acuity', () => {
    expect(raisesAcuity(3, 1)).toBe(true);
    expect(raisesAcuity(3, 3)).toBe(false);
    expect(raisesAcuity(2, 4)).toBe(false);
    expect(raisesAcuity(undefined, 1)).toBe(false);
  });
});

describe('AlertDesk (timers and clock injected)', () => {
  it('arms its timer for the next round, escalates once at 20 minutes, stops when acknowledged', () => {
    const clock = new ManualClock(T0);
    const t = recordingTimers();
    const desk = new AlertDesk({ clock, timers: t.timers, schedule });
    const escalated: string[] = [];
    let changes = 0;
    desk.on('escalated', (a) => escalated.push(a.key));
    desk.on('changed', () => (changes += 1));

    const a = desk.raise('new-report', report, { acuity: 2 });
    expect(t.delay).toBe(2 * MIN);
    for (let round = 1; round <= 9; round += 1) {
      clock.set(T0 + round * 2 * MIN);
      t.fire();
      expect(desk.open()[0]?.phase).toMatchObject({ kind: 'alerting', round });
    }
    expect(escalated).toEqual([]);
    clock.set(T0 + 20 * MIN);
    t.fire();
    expect(escalated).toEqual([a.key]);
    expect(desk.open()[0]?.phase.kind).toBe('escalated');
    expect(desk.get(a.key)?.escalatedAt).toBe(T0 + 20 * MIN);
    clock.set(T0 + 22 * MIN);
    t.fire();
    expect(escalated).toEqual([a.key]);
    expect(changes).toBeGreaterThanOrEqual(11);

    const acked = desk.acknowledge(a.key, 'nurse-1');
    expect(acked.ok && acked.value.ended).toEqual({ kind: 'acknowledged', by: 'nurse-1', at: T0 + 22 * MIN });
    expect(desk.open()).toEqual([]);
    expect(t.delay).toBeUndefined();
    expect(desk.acknowledge(a.key, 'nurse-2')).toEqual({ ok: false, error: 'alertEnded' });
    expect(desk.acknowledge('nope', 'nurse-2')).toEqual({ ok: false, error: 'unknownAlert' });
  });

  it('acknowledges per item: the other alert keeps its schedule', () => {
    const clock = new ManualClock(T0);
    const t = recordingTimers();
    const desk = new AlertDesk({ clock, timers: t.timers, schedule });
    const first = desk.raise('new-report', report, { acuity: 3 });
    clock.set(T0 + 1 * MIN);
    desk.raise('inquiry', { kind: 'inquiry', inquiryId: 'case-1-q1' }, { deadline: T0 + 3 * MIN });
    expect(desk.open().map((o) => o.alert.kind)).toEqual(['new-report', 'inquiry']);
    desk.acknowledge(first.key, 'nurse-1');
    expect(desk.open().map((o) => o.alert.kind)).toEqual(['inquiry']);
    expect(t.delay).toBe(2 * MIN);
    clock.set(T0 + 3 * MIN);
    t.fire();
    expect(desk.open()).toEqual([]);
  });

  it('a raise while open is the same alert; after it ended, a new rise is a new alert', () => {
    const clock = new ManualClock(T0);
    const desk = new AlertDesk({ clock, timers: recordingTimers().timers, schedule });
    const a = desk.raise('acuity-raised', report, { acuity: 2 });
    clock.advance(MIN);
    expect(desk.raise('acuity-raised', report, { acuity: 1 })).toBe(a);
    expect(desk.endFor(report, { kind: 'answered', by: 'nurse-1' })).toHaveLength(1);
    const b = desk.raise('acuity-raised', report, { acuity: 1 });
    expect(b).not.toBe(a);
    expect(b.raisedAt).toBe(T0 + MIN);
  });
});
