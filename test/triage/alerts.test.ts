import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import type { Timers } from '../../src/hospital-feed/index.js';
import { AlertDesk } from '../../src/roles/triage/alert-desk.js';
import { ALERTS_FILE, SqliteAlertStore, type AlertStore } from '../../src/roles/triage/alert-store.js';
import {
  alertPhase,
  alertSignal,
  dueEscalations,
  isOpen,
  messageAlertFrom,
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

/** A fresh store in its own SQLite file, as the role opens it. */
const store = (): SqliteAlertStore =>
  SqliteAlertStore.open(join(mkdtempSync(join(tmpdir(), 'alerts-')), ALERTS_FILE));

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

describe('crew-message alerts (pure)', () => {
  const message = alert({ key: 'message:amb-1/r-00000001', kind: 'message' });
  it('alerts from the oldest unread message when no alert is known', () => {
    expect(messageAlertFrom(undefined, [T0 + 3 * MIN, T0 + MIN])).toBe(T0 + MIN);
    expect(messageAlertFrom(undefined, [])).toBeUndefined();
  });
  it('leaves an open alert as it is', () => {
    expect(messageAlertFrom(message, [T0 + MIN])).toBeUndefined();
  });
  it('after an acknowledgement, only a message that arrived since alerts, from its arrival', () => {
    const acked = { ...message, ended: { kind: 'acknowledged', by: 'nurse-1', at: T0 + 5 * MIN } } as const;
    // A read receipt or our own reply changes the thread; the unread message is the one acknowledged.
    expect(messageAlertFrom(acked, [T0 + MIN])).toBeUndefined();
    expect(messageAlertFrom(acked, [T0 + MIN, T0 + 7 * MIN, T0 + 6 * MIN])).toBe(T0 + 6 * MIN);
    expect(messageAlertFrom(acked, [T0 + 5 * MIN])).toBe(T0 + 5 * MIN);
  });
});

describe('AlertDesk (timers and clock injected)', () => {
  it('arms its timer for the next round, escalates once at 20 minutes, stops when acknowledged', () => {
    const clock = new ManualClock(T0);
    const t = recordingTimers();
    const desk = new AlertDesk({ clock, timers: t.timers, schedule, store: store() });
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
    const desk = new AlertDesk({ clock, timers: t.timers, schedule, store: store() });
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
    const desk = new AlertDesk({ clock, timers: recordingTimers().timers, schedule, store: store() });
    const a = desk.raise('acuity-raised', report, { acuity: 2 });
    clock.advance(MIN);
    expect(desk.raise('acuity-raised', report, { acuity: 1 })).toBe(a);
    expect(desk.endFor(report, { kind: 'answered', by: 'nurse-1' })).toHaveLength(1);
    const b = desk.raise('acuity-raised', report, { acuity: 1 });
    expect(b).not.toBe(a);
    expect(b.raisedAt).toBe(T0 + MIN);
  });
});

describe('AlertDesk across a restart (a real SQLite file, the clock injected)', () => {
  const inquiry = { kind: 'inquiry', inquiryId: 'case-1-q1' } as const;
  const other = { kind: 'report', unitId: 'amb-2', reportId: 'r-00000002' } as const;
  const open = (file: string, clock: ManualClock) => {
    const t = recordingTimers();
    const desk = new AlertDesk({ clock, timers: t.timers, schedule, store: SqliteAlertStore.open(file) });
    const escalated: string[] = [];
    desk.on('escalated', (a) => escalated.push(a.key));
    return { desk, t, escalated };
  };

  it('keeps who acknowledged what and when, each open alert’s schedule and deadline, and each escalation once', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'alerts-')), ALERTS_FILE);
    const clock = new ManualClock(T0);
    const first = open(file, clock);
    const fresh = first.desk.raise('new-report', report, { acuity: 3 });
    clock.set(T0 + MIN);
    const raised = first.desk.raise('acuity-raised', other, { acuity: 1 });
    const message = first.desk.raise('message', other, { raisedAt: T0 + 2 * MIN, acuity: 1 });
    const asked = first.desk.raise('inquiry', inquiry, { deadline: T0 + 25 * MIN });
    clock.set(T0 + 5 * MIN);
    expect(first.desk.acknowledge(fresh.key, 'nurse-1').ok).toBe(true);
    clock.set(T0 + 21 * MIN);
    first.t.fire();
    expect(first.escalated.sort()).toEqual([asked.key, raised.key].sort());
    first.desk.stop();

    clock.set(T0 + 23 * MIN);
    const second = open(file, clock);
    expect(second.desk.get(fresh.key)?.ended).toEqual({
      kind: 'acknowledged',
      by: 'nurse-1',
      at: T0 + 5 * MIN,
    });
    expect(second.desk.get(raised.key)?.escalatedAt).toBe(T0 + 21 * MIN);
    expect(second.desk.get(asked.key)?.deadline).toBe(T0 + 25 * MIN);
    expect(second.desk.open().map((o) => [o.alert.key, o.phase.kind, o.phase.round])).toEqual([
      [raised.key, 'escalated', 11],
      [message.key, 'escalated', 10],
      [asked.key, 'escalated', 11],
    ]);
    // The constructor arms the timer for the next change: the message's next round, at T0 + 24 min.
    expect(second.t.delay).toBe(MIN);
    // Only the message's escalation (due at T0 + 22 min, while the desk was down) is recorded now.
    second.desk.tick();
    expect(second.escalated).toEqual([message.key]);
    second.desk.stop();

    const third = open(file, clock);
    third.desk.tick();
    expect(third.escalated).toEqual([]);
    clock.set(T0 + 25 * MIN);
    third.t.fire();
    expect(third.desk.open().map((o) => o.alert.key)).toEqual([raised.key, message.key]);
    third.desk.stop();
  });

  it('a row that does not hold together is left out, never shown as something else', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'alerts-')), ALERTS_FILE);
    const store = SqliteAlertStore.open(file);
    const good = alert();
    store.save([good, alert({ key: 'new-report:amb-9/r-99999999' })]);
    store.close();
    const db = new Database(file);
    db.prepare("UPDATE alerts SET end_kind = 'acknowledged', end_at = NULL WHERE seq = 1").run();
    db.close();
    const reopened = SqliteAlertStore.open(file);
    // The first: an end without its time. The second: its key names another report than its row.
    expect(reopened.load()).toEqual([]);
    reopened.save([good]);
    expect(reopened.load()).toEqual([good]);
    reopened.close();
  });

  it('a failed write keeps the desk alerting and tells the operator', () => {
    const clock = new ManualClock(T0);
    const failing: AlertStore = {
      load: () => [],
      save: () => {
        throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      },
      forget: () => undefined,
      close: () => undefined,
    };
    const desk = new AlertDesk({ clock, timers: recordingTimers().timers, schedule, store: failing });
    const failures: string[] = [];
    desk.on('store-failed', (code) => failures.push(code));
    const a = desk.raise('new-report', report, { acuity: 2 });
    expect(desk.open().map((o) => o.alert.key)).toEqual([a.key]);
    expect(desk.acknowledge(a.key, 'nurse-1').ok).toBe(true);
    expect(desk.open()).toEqual([]);
    expect(failures).toEqual(['SQLITE_FULL', 'SQLITE_FULL']);
  });
});
