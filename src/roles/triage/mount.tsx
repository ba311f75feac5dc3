import { attachmentRoutes } from './attachment-routes.js';
import type { HospitalConfig } from '../../config/index.js';
import { systemTimers, type BoardReport, type Receiver, type Timers } from '../../hospital-feed/index.js';
import type { HospitalInquiries } from '../hospital/index.js';
import type { RoleContext } from '../runtime.js';
import { AlertDesk } from './alert-desk.js';
import { raisesAcuity, type AlertSubject } from './alerts.js';
import { AlertStrip, type AlertViewDeps } from './alerts-view.js';
import { IncomingList } from './board.js';
import { boardLists, type ListPolicy } from './lists.js';
import { triageRoutes } from './routes.js';
import { threadRoutes } from './thread-routes.js';
import { triageText } from './text.js';

/** Overdue and recent-list changes follow the clock, not an event: the board is redrawn this often. */
const REDRAW_MS = 60_000;

export const reportSubject = (r: { unitId: string; reportId: string }): AlertSubject => ({
  kind: 'report',
  unitId: r.unitId,
  reportId: r.reportId,
});

/**
 * The desk's alerts, from the configuration's schedule. Its escalations are recorded in the audit
 * log (who: the system; what: the report; why: the alert's kind) and counted in
 * `ems_triage_alerts_escalated_total`, which the hospital's monitoring can page on (docs/operations.md).
 */
export const openAlertDesk = (config: HospitalConfig, ctx: RoleContext, timers: Timers = systemTimers) => {
  const desk = new AlertDesk({
    clock: ctx.clock,
    timers,
    schedule: {
      repeatEveryMs: config.triage.realertSeconds * 1000,
      escalateAfterMs: config.triage.escalateAfterMinutes * 60_000,
    },
  });
  const escalations = ctx.metrics.counter(
    'ems_triage_alerts_escalated_total',
    'Board alerts nobody acknowledged within triage.escalateAfterMinutes, by kind.',
    ['kind'],
  );
  const logger = ctx.logger.child({ part: 'triage' });
  desk.on('escalated', (a) => {
    const report = a.subject.kind === 'report' ? a.subject : undefined;
    ctx.gateway.audit.record({
      role: null,
      userId: null,
      device: config.id,
      action: 'update',
      subject: report === undefined ? null : { kind: 'report', id: report.reportId },
      purpose: report === undefined ? null : 'emergency-exception',
      reason: `escalated-${a.kind}`,
      outcome: 'success',
    });
    escalations.inc({ kind: a.kind });
    logger.warn('triage alert escalated', { kind: a.kind });
  });
  ctx.onStop(() => desk.stop());
  return desk;
};

/**
 * The triage board on the hospital screen: the `incoming` panel (alerts, legend, the live list by
 * ETA, the recent list), the report detail and the desk's actions, redrawn live on every change.
 */
export const mountTriage = (deps: {
  readonly config: HospitalConfig;
  readonly ctx: RoleContext;
  readonly receiver: Receiver;
  readonly inquiries: HospitalInquiries;
  readonly alerts: AlertDesk;
  readonly timers?: Timers;
}): void => {
  const { config, ctx, receiver, inquiries, alerts } = deps;
  const { gateway, clock } = ctx;
  const timers = deps.timers ?? systemTimers;
  const policy: ListPolicy = {
    overdueMs: config.triage.overdueMinutes * 60_000,
    recentMs: config.triage.recentHours * 3600_000,
  };
  const find = (unitId: string, reportId: string): BoardReport | undefined =>
    receiver.all().find((r) => r.unitId === unitId && r.reportId === reportId);
  const view: AlertViewDeps = {
    report: find,
    inquiry: (id) => inquiries.list().find((q) => q.message.inquiryId === id),
    contact: config.triage.escalationContact,
  };

  gateway.panels.set('incoming', (p) => {
    const tt = triageText(p.locale);
    const open = alerts.open();
    const alerting = new Set(
      open.flatMap((o) =>
        o.alert.subject.kind === 'report' ? [`${o.alert.subject.unitId}/${o.alert.subject.reportId}`] : [],
      ),
    );
    return (
      <>
        {/* Executed on the first page load only (scripts set through innerHTML never run). */}
        <script src="/assets/triage.js" defer></script>
        <AlertStrip
          open={open}
          deps={view}
          csrf={p.csrf}
          now={p.now}
          locale={p.locale}
          tt={tt}
          locked={p.kiosk?.actionsLocked === true}
        />
        <IncomingList
          lists={boardLists(receiver.all(), p.now, policy)}
          alerting={alerting}
          now={p.now}
          locale={p.locale}
          t={p.t}
          tt={tt}
        />
      </>
    );
  });

  // Alerts from the feed. A restart re-raises every report nobody has acknowledged yet, from its
  // arrival time (so one unseen for 20 minutes escalates at once); acuity rises are not re-raised.
  const acuity = new Map<string, number>();
  const keyOf = (r: BoardReport): string => `${r.unitId}/${r.reportId}`;
  for (const r of receiver.board()) {
    if (r.body === undefined) continue;
    acuity.set(keyOf(r), r.body.acuity);
    if (!r.viewed && r.answer === undefined)
      alerts.raise('new-report', reportSubject(r), { acuity: r.body.acuity, raisedAt: r.receivedAt });
  }
  receiver.on('board', (event) => {
    const r = event.report;
    switch (event.type) {
      case 'report-new':
        if (r.body !== undefined) alerts.raise('new-report', reportSubject(r), { acuity: r.body.acuity });
        break;
      case 'report-updated':
        if (r.body !== undefined && raisesAcuity(acuity.get(keyOf(r)), r.body.acuity))
          alerts.raise('acuity-raised', reportSubject(r), { acuity: r.body.acuity });
        break;
      case 'report-cancelled':
        alerts.endFor(reportSubject(r), { kind: 'closed' });
        break;
      default:
        event satisfies never;
    }
    if (r.body !== undefined) acuity.set(keyOf(r), r.body.acuity);
    gateway.live.refresh('incoming');
  });
  // Crew messages nobody here has been shown (the feed's unread-threads hook): alert until shown on
  // the report's page (the messages part marks them read there) or acknowledged.
  const syncMessages = (unitId: string, reportId: string): void => {
    const unread = receiver.threads.unread().find((u) => u.unitId === unitId && u.reportId === reportId);
    const subject = reportSubject({ unitId, reportId });
    if (unread === undefined) alerts.endFor(subject, { kind: 'closed' }, 'message');
    else {
      const acuity = find(unitId, reportId)?.body?.acuity;
      alerts.raise('message', subject, {
        raisedAt: unread.since,
        ...(acuity === undefined ? {} : { acuity }),
      });
    }
  };
  for (const u of receiver.threads.unread()) syncMessages(u.unitId, u.reportId);
  receiver.on('thread', syncMessages);
  receiver.on('purged', () => gateway.live.refresh('incoming'));
  alerts.on('changed', () => gateway.live.refresh('incoming'));

  let redraw: unknown;
  const tick = (): void => {
    gateway.live.refresh('incoming');
    redraw = timers.setTimeout(tick, REDRAW_MS);
  };
  redraw = timers.setTimeout(tick, REDRAW_MS);
  ctx.onStop(() => timers.clearTimeout(redraw));

  triageRoutes({
    gateway,
    receiver,
    alerts,
    view,
    device: config.id,
    now: () => clock.now(),
    logger: ctx.logger,
  });
  attachmentRoutes({ gateway, receiver });
  threadRoutes({ gateway, receiver, logger: ctx.logger });
};
