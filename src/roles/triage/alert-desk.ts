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
import type { AlertStore } from './alert-store.js';

export const ACK_ERROR = { unknownAlert: 'unknownAlert', alertEnded: 'alertEnded' } as const;
export type AckError = (typeof ACK_ERROR)[keyof typeof ACK_ERROR];

export interface AlertDeskOptions {
  readonly clock: Clock;
  readonly timers: Timers;
  readonly schedule: AlertSchedule;
  /** Where the alerts are kept across restarts; what it holds is loaded at construction. */
  readonly store: AlertStore;
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

/** A storage failure's driver code (`SQLITE_FULL`...), for the operator's log; never patient data. */
const codeOf = (error: unknown): string => {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'unknown';
};

/**
 * The board's alerts, kept in its store and mirrored in memory, with one timer: it wakes at the next
 * phase change the pure schedule (alerts.ts) names, records escalations that fell due and tells the
 * screens to redraw. Each open screen then sounds once per new round (the page compares
 * `alertSignal`s), so re-alerting works without any clock in the browser and the same way on every
 * screen of the desk.
 *
 * Every change is written to the store before the desk acts on it, so after a restart an
 * acknowledged alert stays acknowledged (by whom, when), an open one keeps its schedule from its
 * first alert, and a recorded escalation is not recorded again. A write that fails does not stop
 * the desk: the change holds in memory (the board keeps alerting, or goes quiet as the person asked)
 * and `store-failed` tells the operator; a restart then finds the state before that write (an
 * acknowledged alert alerting again, an escalation recorded again).
 */
export class AlertDesk extends EventEmitter<{
  changed: [];
  escalated: [alert: Alert];
  'store-failed': [code: string];
}> {
  readonly #alerts = new Map<string, Alert>();
  #timer: unknown;
  #stopped = false;

  constructor(private readonly o: AlertDeskOptions) {
    super();
    for (const a of o.store.load()) this.#alerts.set(a.key, a);
    this.#arm();
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
    this.#save([alert]);
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
    this.#save([ended]);
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
    const at = this.o.clock.now();
    const ended: Alert[] = [...this.#alerts.values()]
      .filter(
        (a) =>
          a.ended === undefined && sameSubject(a.subject, subject) && (kind === undefined || a.kind === kind),
      )
      .map((a) => ({ ...a, ended: { ...end, at } }));
    if (ended.length === 0) return ended;
    this.#save(ended);
    for (const a of ended) this.#alerts.set(a.key, a);
    this.#changed();
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
    const escalated = dueEscalations([...this.#alerts.values()], now, this.o.schedule).map((a) => ({
      ...a,
      escalatedAt: now,
    }));
    this.#save(escalated);
    for (const a of escalated) {
      this.#alerts.set(a.key, a);
      this.emit('escalated', a);
    }
    this.#forgetOldEnded();
    this.emit('changed');
    this.#arm();
  }

  /** Stops the timer and closes the store. */
  stop(): void {
    this.#stopped = true;
    this.o.timers.clearTimeout(this.#timer);
    this.o.store.close();
  }

  #save(alerts: readonly Alert[]): void {
    try {
      this.o.store.save(alerts);
    } catch (error) {
      this.emit('store-failed', codeOf(error));
    }
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
    const forgotten = ended.slice(0, Math.max(0, ended.length - KEEP_ENDED)).map((a) => a.key);
    if (forgotten.length === 0) return;
    try {
      this.o.store.forget(forgotten);
    } catch (error) {
      this.emit('store-failed', codeOf(error));
    }
    for (const key of forgotten) this.#alerts.delete(key);
  }
}
