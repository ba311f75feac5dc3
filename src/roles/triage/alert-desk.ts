import { EventEmitter } from 'node:events';
import { err, ok, type Clock, type Result } from '../../core/index.js';
import type { Timers } from '../../hospital-feed/index.js';
import {
  alertKey,
  alertPhase,
  boardOrder,
  dueEscalations,
  isOpen,
  nextWake,
  type Alert,
  type AlertKind,
  type AlertPhase,
  type AlertSchedule,
  type AlertSubject,
} from './alerts.js';

export const ACK_ERROR = { unknownAlert: 'unknownAlert', alertEnded: 'alertEnded' } as const;
export type AckError = (typeof ACK_ERROR)[keyof typeof ACK_ERROR];

export interface AlertDeskOptions {
  readonly clock: Clock;
  readonly timers: Timers;
  readonly schedule: AlertSchedule;
}

export interface OpenAlert {
  readonly alert: Alert;
  readonly phase: Extract<AlertPhase, { round: number }>;
}

/** Ended alerts kept (for the page's "acknowledged by" and tests); the oldest are forgotten first. */
const KEEP_ENDED = 200;

const sameSubject = (a: AlertSubject, b: AlertSubject): boolean =>
  a.kind === 'report'
    ? b.kind === 'report' && a.unitId === b.unitId && a.reportId === b.reportId
    : b.kind === 'inquiry' && a.inquiryId === b.inquiryId;

/**
 * The board's alerts in memory, with one timer: it wakes at the next phase change the pure schedule
 * (alerts.ts) names, records escalations that fell due and tells the screens to redraw. Each open
 * screen then sounds once per new round (the page compares `alertSignal`s), so re-alerting works
 * without any clock in the browser and the same way on every screen of the desk.
 */
export class AlertDesk extends EventEmitter<{ changed: []; escalated: [alert: Alert] }> {
  readonly #alerts = new Map<string, Alert>();
  #timer: unknown;
  #stopped = false;

  constructor(private readonly o: AlertDeskOptions) {
    super();
  }

  get schedule(): AlertSchedule {
    return this.o.schedule;
  }

  /** Opens an alert; an open one with the same key stays as it is (no second first-alert). */
  raise(
    kind: AlertKind,
    subject: AlertSubject,
    extra: { readonly acuity?: number; readonly deadline?: number; readonly raisedAt?: number } = {},
  ): Alert {
    const key = alertKey(kind, subject);
    const known = this.#alerts.get(key);
    if (known !== undefined && known.ended === undefined) return known;
    const alert: Alert = { key, kind, subject, raisedAt: extra.raisedAt ?? this.o.clock.now(), ...extra };
    this.#alerts.delete(key);
    this.#alerts.set(key, alert);
    this.#changed();
    return alert;
  }

  /** A person acknowledged this one alert (per item: other alerts keep sounding). */
  acknowledge(key: string, by: string): Result<Alert, AckError> {
    const known = this.#alerts.get(key);
    if (known === undefined) return err(ACK_ERROR.unknownAlert);
    if (!isOpen(alertPhase(known, this.o.clock.now(), this.o.schedule))) return err(ACK_ERROR.alertEnded);
    const ended = { ...known, ended: { kind: 'acknowledged', by, at: this.o.clock.now() } } as const;
    this.#alerts.set(key, ended);
    this.#changed();
    return ok(ended);
  }

  /**
   * Ends every open alert about this subject (of one kind, when given): a person answered it, or
   * its sender closed it, or what it was about is gone (a message was shown).
   */
  endFor(
    subject: AlertSubject,
    end: { readonly kind: 'answered'; readonly by: string } | { readonly kind: 'closed' },
    kind?: AlertKind,
  ): readonly Alert[] {
    const ended: Alert[] = [];
    const at = this.o.clock.now();
    for (const a of this.#alerts.values())
      if (
        a.ended === undefined &&
        sameSubject(a.subject, subject) &&
        (kind === undefined || a.kind === kind)
      ) {
        const next: Alert = { ...a, ended: { ...end, at } };
        this.#alerts.set(a.key, next);
        ended.push(next);
      }
    if (ended.length > 0) this.#changed();
    return ended;
  }

  get(key: string): Alert | undefined {
    return this.#alerts.get(key);
  }

  /** Open alerts, escalated first, then most urgent, then oldest. */
  open(): readonly OpenAlert[] {
    const now = this.o.clock.now();
    const open: OpenAlert[] = [];
    for (const alert of this.#alerts.values()) {
      const phase = alertPhase(alert, now, this.o.schedule);
      if (isOpen(phase)) open.push({ alert, phase });
    }
    return open.sort((a, b) => boardOrder(a.alert, b.alert, now, this.o.schedule));
  }

  /** Open alerts about one subject (the detail page's acknowledge buttons). */
  openFor(subject: AlertSubject): readonly OpenAlert[] {
    return this.open().filter((o) => sameSubject(o.alert.subject, subject));
  }

  /**
   * Records escalations that fell due and re-arms the timer. Called by the timer; callable by hand
   * (tests with a manual clock, and after a restart).
   */
  tick(): void {
    const now = this.o.clock.now();
    for (const a of dueEscalations([...this.#alerts.values()], now, this.o.schedule)) {
      const escalated = { ...a, escalatedAt: now };
      this.#alerts.set(a.key, escalated);
      this.emit('escalated', escalated);
    }
    this.#forgetOldEnded();
    this.emit('changed');
    this.#arm();
  }

  stop(): void {
    this.#stopped = true;
    this.o.timers.clearTimeout(this.#timer);
  }

  #changed(): void {
    this.emit('changed');
    this.#arm();
  }

  #arm(): void {
    this.o.timers.clearTimeout(this.#timer);
    if (this.#stopped) return;
    const now = this.o.clock.now();
    const at = nextWake([...this.#alerts.values()], now, this.o.schedule);
    if (at !== undefined) this.#timer = this.o.timers.setTimeout(() => this.tick(), Math.max(0, at - now));
  }

  #forgetOldEnded(): void {
    const now = this.o.clock.now();
    const ended = [...this.#alerts.values()].filter((a) => !isOpen(alertPhase(a, now, this.o.schedule)));
    for (const a of ended.slice(0, Math.max(0, ended.length - KEEP_ENDED))) this.#alerts.delete(a.key);
  }
}
