import { join } from 'node:path';
import { attachmentRoutes } from './attachment-routes.js';
import type { HospitalConfig } from '../../config/index.js';
import { systemTimers, type BoardReport, type Receiver, type Timers } from '../../hospital-feed/index.js';
import type { HospitalInquiries } from '../hospital/index.js';
import type { RoleContext } from '../runtime.js';
import { AlertDesk } from './alert-desk.js';
import { ALERTS_FILE, SqliteAlertStore } from './alert-store.js';
import { alertKey, messageAlertFrom, raisesAcuity, type AlertSubject } from './alerts.js';
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
 * The desk's alerts, from the configuration's schedule, kept in `alerts.sqlite` in the data directory
 * (a restart goes on where the desk was). Its escalations are recorded in the audit log (who: the
 * system; what: the report; why: the alert's kind) and counted in `ems_triage_alerts_escalated_total`,
 * which the hospital's monitoring can page on (docs/operations.md). Escalations that fell due while
 * the role was down are recorded once, at start.
 */
export const openAlertDesk = (config: HospitalConfig, ctx: RoleContext, timers: Timers = systemTimers) => {
  const desk = new AlertDesk({
    clock: ctx.clock,
    timers,
    schedule: {
      repeatEveryMs: config.triage.realertSeconds * 1000,
      escalateAfterMs: config.triage.escalateAfterMinutes * 60_000,
    },
    store: SqliteAlertStore.open(join(config.dataDir, ALERTS_FILE)),
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
  desk.on('store-failed', (code) => logger.error('triage alert not stored', { code }));
  ctx.onStop(() => desk.stop());
  desk.tick();
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

  // Alerts from the feed. The desk's store holds what it knew before a restart; a report on the board
  // that it never alerted for (the role stopped between storing the report and storing its alert)
  // and that nobody has acknowledged or answered alerts from its arrival.
  const acuity = new Map<string, number>();
  const keyOf = (r: BoardReport): string => `${r.unitId}/${r.reportId}`;
  for (const r of receiver.board()) {
    if (r.body === undefined) continue;
    acuity.set(keyOf(r), r.body.acuity);
    const subject = reportSubject(r);
    if (!r.viewed && r.answer === undefined && alerts.get(alertKey('new-report', subject)) === undefined)
      alerts.raise('new-report', subject, { acuity: r.body.acuity, raisedAt: r.receivedAt });
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
  // the report's page (the messages part marks them read there) or acknowledged; after that, again
  // only for a message that arrives later (alerts.ts, messageAlertFrom).
  const syncMessages = (unitId: string, reportId: string): void => {
    const subject = reportSubject({ unitId, reportId });
    const arrivals = receiver.threads
      .thread(unitId, reportId)
      .flatMap((e) => (e.direction === 'in' && e.state === 'unread' ? [e.updatedAt] : []));
    if (arrivals.length === 0) {
      alerts.endFor(subject, { kind: 'closed' }, 'message');
      return;
    }
    const from = messageAlertFrom(alerts.get(alertKey('message', subject)), arrivals);
    if (from === undefined) return;
    const acuity = find(unitId, reportId)?.body?.acuity;
    alerts.raise('message', subject, { raisedAt: from, ...(acuity === undefined ? {} : { acuity }) });
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
