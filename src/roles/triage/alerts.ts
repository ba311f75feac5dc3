/**
 * The triage board's alerts as plain data and pure functions of the time (issue 15 item 3, issue 16
 * item 3): what is alerting now, which round of re-alerting it is in, when it escalates, and when
 * the board must next wake up. No timers here; `AlertDesk` is the thin adapter that owns them.
 */

/**
 * What alerts the desk: a new report, an update that raises acuity, a crew message nobody here has
 * been shown (the feed's unread-threads hook), an acceptance inquiry from dispatch.
 */
export const ALERT_KINDS = ['new-report', 'acuity-raised', 'message', 'inquiry'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** What an alert is about: opaque ids only (they appear in the page's data attributes and the audit). */
export type AlertSubject =
  | { readonly kind: 'report'; readonly unitId: string; readonly reportId: string }
  | { readonly kind: 'inquiry'; readonly inquiryId: string };

/** How an alert stopped: a person acknowledged or answered it, or the sender closed its subject. */
export type AlertEnd =
  | { readonly kind: 'acknowledged'; readonly by: string; readonly at: number }
  | { readonly kind: 'answered'; readonly by: string; readonly at: number }
  | { readonly kind: 'closed'; readonly at: number };

export interface Alert {
  /** `kind:subject`, unique while the alert is open; a second acuity rise re-opens its own alert. */
  readonly key: string;
  readonly kind: AlertKind;
  readonly subject: AlertSubject;
  readonly raisedAt: number;
  /** The JTAS level the alert is about (new report, or the raised level). */
  readonly acuity?: number;
  /** Inquiries only: dispatch's answer deadline; after it the alert is over and no answer is taken. */
  readonly deadline?: number;
  /** When the escalation was recorded (audit, metric); set once by the desk. */
  readonly escalatedAt?: number;
  readonly ended?: AlertEnd;
}

/**
 * Re-alert every `repeatEveryMs` while nobody acknowledges; at `escalateAfterMs` after the first
 * alert, escalate (the configured contact is shown and the escalation is recorded) and keep
 * re-alerting: an escalation adds people, it never silences the board.
 */
export interface AlertSchedule {
  readonly repeatEveryMs: number;
  readonly escalateAfterMs: number;
}

export type AlertPhase =
  | { readonly kind: 'ended' }
  /** An inquiry past its deadline: nothing to do any more (dispatch has moved on). */
  | { readonly kind: 'expired' }
  | {
      readonly kind: 'alerting' | 'escalated';
      /** 0 for the first alert, 1 for the first re-alert, ... */
      readonly round: number;
      /** When the phase next changes (a new round, the escalation or the deadline). */
      readonly nextAt: number;
    };

export const alertKey = (kind: AlertKind, subject: AlertSubject): string =>
  `${kind}:${subject.kind === 'report' ? `${subject.unitId}/${subject.reportId}` : subject.inquiryId}`;

export const alertPhase = (a: Alert, now: number, s: AlertSchedule): AlertPhase => {
  if (a.ended !== undefined) return { kind: 'ended' };
  if (a.deadline !== undefined && now >= a.deadline) return { kind: 'expired' };
  const elapsed = Math.max(0, now - a.raisedAt);
  const round = Math.floor(elapsed / s.repeatEveryMs);
  const escalated = elapsed >= s.escalateAfterMs;
  const nextAt = Math.min(
    a.raisedAt + (round + 1) * s.repeatEveryMs,
    escalated ? Number.POSITIVE_INFINITY : a.raisedAt + s.escalateAfterMs,
    a.deadline ?? Number.POSITIVE_INFINITY,
  );
  return { kind: escalated ? 'escalated' : 'alerting', round, nextAt };
};

/** An alert the board must show (and sound): neither ended nor expired. */
export const isOpen = (p: AlertPhase): p is Extract<AlertPhase, { round: number }> =>
  p.kind === 'alerting' || p.kind === 'escalated';

/**
 * What the page sounds on: a new value means "beep again". It changes with every round and once
 * more at the escalation, so the board's script needs no clock of its own.
 */
export const alertSignal = (p: Extract<AlertPhase, { round: number }>): string =>
  `${p.round}${p.kind === 'escalated' ? 'e' : ''}`;

/** When the desk must next look again: the earliest phase change of any open alert. */
export const nextWake = (alerts: readonly Alert[], now: number, s: AlertSchedule): number | undefined => {
  let next: number | undefined;
  for (const a of alerts) {
    const p = alertPhase(a, now, s);
    if (isOpen(p) && (next === undefined || p.nextAt < next)) next = p.nextAt;
  }
  return next;
};

/** Open alerts past their escalation time whose escalation is not recorded yet. */
export const dueEscalations = (alerts: readonly Alert[], now: number, s: AlertSchedule): readonly Alert[] =>
  alerts.filter((a) => a.escalatedAt === undefined && alertPhase(a, now, s).kind === 'escalated');

/**
 * Whether an update raises acuity: JTAS 1 is the most urgent, so a lower number is a rise. An update
 * that lowers acuity or keeps it raises no alert (the row changes; nothing is urgent about it).
 */
export const raisesAcuity = (before: number | undefined, after: number): boolean =>
  before !== undefined && after < before;

/**
 * Since when crew messages nobody here has been shown (their arrival times here) must alert, or
 * undefined when nothing is to be raised. Seen for the first time (no alert known, as after a restart
 * that lost the write): from the oldest unread one. After the thread's alert ended (acknowledged, or
 * the messages were shown): only for a message that arrived since, from that message; a receipt or
 * a change that brings nothing new to read raises nothing. An open alert is left as it is.
 */
export const messageAlertFrom = (
  known: Alert | undefined,
  unreadArrivals: readonly number[],
): number | undefined => {
  if (known !== undefined && known.ended === undefined) return undefined;
  const endedAt = known?.ended?.at;
  // `>=`: a message in the same millisecond as the acknowledgement may not have been on screen.
  const due = endedAt === undefined ? unreadArrivals : unreadArrivals.filter((t) => t >= endedAt);
  return due.length === 0 ? undefined : Math.min(...due);
};

/** The open alerts in the order the board lists them: escalated first, then most urgent, then oldest. */
export const boardOrder = (a: Alert, b: Alert, now: number, s: AlertSchedule): number => {
  const ea = alertPhase(a, now, s).kind === 'escalated' ? 0 : 1;
  const eb = alertPhase(b, now, s).kind === 'escalated' ? 0 : 1;
  return ea - eb || (a.acuity ?? 9) - (b.acuity ?? 9) || a.raisedAt - b.raisedAt;
};
