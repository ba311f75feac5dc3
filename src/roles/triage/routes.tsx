import type { Context } from 'hono';
import * as v from 'valibot';
import { PrincipalId } from '../../config/index.js';
import {
  ApiFailure,
  kioskState,
  Layout,
  translator,
  type AccessReason,
  type Gateway,
  type GatewayEnv,
} from '../../gateway/index.js';
import {
  DECLINE_REASONS,
  type AnswerInput,
  type BoardReport,
  type Receiver,
  type ReportBody,
} from '../../hospital-feed/index.js';
import type { Logger } from '../../log/index.js';
import { assuranceCode, statedAssurance } from '../../summary/index.js';
import type { AlertDesk } from './alert-desk.js';
import { feedFailure } from '../thread-form.js';
import { AlertStrip, type AlertViewDeps } from './alerts-view.js';
import { deskState, reportPath, unitLabel } from './board.js';
import { ReportDetail } from './detail.js';
import { reportBundle } from './fhir.js';
import { TRIAGE_SCRIPT } from './script.js';
import { ThreadSection } from './thread-section.js';
import { triageText } from './text.js';

/** Both path ids are opaque: the unit's principal id and the report's UUID, never patient data. */
const ReportParams = v.object({
  unitId: PrincipalId,
  reportId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]{8,64}$/)),
});
const AnswerForm = v.object({
  decision: v.picklist(['accept', 'decline']),
  reason: v.optional(v.picklist(DECLINE_REASONS)),
  /** Free text for the crew with a decline (AnswerBody.note); an empty field sends none. */
  note: v.optional(v.pipe(v.string(), v.maxLength(500))),
});
const AnswerJson = v.variant('decision', [
  v.object({ decision: v.literal('accept') }),
  v.object({
    decision: v.literal('decline'),
    reason: v.picklist(DECLINE_REASONS),
    note: v.optional(v.pipe(v.string(), v.maxLength(500))),
  }),
]);
const DeskState = v.object({
  unitId: v.string(),
  reportId: v.string(),
  state: v.picklist(['new', 'viewed', 'accepted', 'declined', 'handedOver', 'cancelled']),
});

const AckForm = v.object({
  /** An alert key (alerts.ts `alertKey`): the kind and opaque ids only. */
  key: v.pipe(v.string(), v.regex(/^[a-z-]{3,20}:[A-Za-z0-9/_-]{4,200}$/)),
  back: v.optional(v.picklist(['board', 'report']), 'board'),
});

const triage = { kind: 'roles', roles: ['triage'] } as const;

/**
 * Why the triage desk reads a report: emergency care of an incoming patient. The report carries no
 * consent record, so the audit names the emergency basis with a fixed reason code.
 */
const WHY = { purpose: 'emergency-exception', reason: 'pre-arrival-triage' } as const;

/** The audit's why, with how the report says its patient was identified ("not stated" when it does not). */
export const whyFor = (r: BoardReport): AccessReason => ({
  ...WHY,
  assurance: assuranceCode(statedAssurance(r.body?.identity)),
});

export interface TriageDeps {
  readonly gateway: Gateway;
  readonly receiver: Receiver;
  readonly alerts: AlertDesk;
  readonly view: AlertViewDeps;
  /** This instance's principal id (the audit's device). */
  readonly device: string;
  readonly now: () => number;
  readonly logger: Logger;
}

/** The report with its body, or 404: a tombstone (cancel before report) is nothing to show. */
const find = (
  receiver: Receiver,
  p: v.InferOutput<typeof ReportParams>,
): BoardReport & { body: ReportBody } => {
  const r = receiver.all().find((x) => x.unitId === p.unitId && x.reportId === p.reportId);
  if (r?.body === undefined) throw new ApiFailure('not-found');
  return r as BoardReport & { body: ReportBody };
};

/** The triage desk's screens and API: report detail, answer, handover, FHIR export, and the alert script. */
export const triageRoutes = ({ gateway, receiver, alerts, view, device, now, logger }: TriageDeps): void => {
  const userOf = (c: Context<GatewayEnv>): string => {
    const session = c.get('session');
    if (session === undefined) throw new ApiFailure('unauthenticated');
    return session.userId;
  };
  /** A person acted on the report (answered, handed over): its alerts stop, in their name. */
  const answered = (c: Context<GatewayEnv>, r: { unitId: string; reportId: string }): void => {
    alerts.endFor(
      { kind: 'report', unitId: r.unitId, reportId: r.reportId },
      { kind: 'answered', by: userOf(c) },
    );
  };
  /**
   * `viewed` for the crew means a person on the board acknowledged the report (an alert's button, or
   * the report page's), never that a page rendered it: the crew sees "not yet seen" until then.
   */
  const markViewed = async (r: BoardReport): Promise<void> => {
    if (r.status !== 'active' || r.viewed) return;
    const viewed = await receiver.markViewed(r.unitId, r.reportId);
    if (!viewed.ok) throw feedFailure(viewed.error, logger, 'triage change not stored');
  };

  const answer = async (
    c: Context<GatewayEnv>,
    params: v.InferOutput<typeof ReportParams>,
    input: AnswerInput,
  ): Promise<BoardReport> => {
    const found = find(receiver, params);
    const done = await receiver.answer(params.unitId, params.reportId, input);
    if (!done.ok) throw feedFailure(done.error, logger, 'triage change not stored');
    gateway.recordAccess(c, 'update', { kind: 'report', id: params.reportId }, whyFor(found));
    answered(c, params);
    gateway.live.refresh('incoming');
    return done.value;
  };

  gateway.routes.add({
    method: 'get',
    path: '/assets/triage.js',
    summary: 'The triage board’s script: alert sound per re-alert round, count-downs',
    access: { kind: 'public' },
    response: { kind: 'text' },
    handler: (c) => c.body(TRIAGE_SCRIPT, 200, { 'content-type': 'text/javascript; charset=utf-8' }),
  });

  gateway.routes.add({
    method: 'get',
    path: '/triage/reports/:unitId/:reportId',
    summary: 'One incoming report (audited read; reading changes nothing, see the viewed route)',
    access: triage,
    params: ReportParams,
    response: { kind: 'html' },
    handler: (c, { params }) => {
      const session = c.get('session');
      if (session === undefined) throw new ApiFailure('unauthenticated');
      const r = find(receiver, params);
      gateway.recordAccess(c, 'read', { kind: 'report', id: params.reportId }, whyFor(r));
      const kiosk = kioskState(session);
      const locale = c.get('locale');
      const t = translator(locale);
      const tt = triageText(locale);
      return c.html(
        <Layout
          title={`${t('title.triage')} · ${unitLabel(r)}`}
          locale={locale}
          t={t}
          user={{
            id: session.userId,
            csrf: session.csrf,
            // A kiosk board has no idle timer in the page (the gateway locks its actions instead), as
            // on the board itself: the report stays on the wall display.
            idleMs: session.kiosk ? 0 : gateway.sessions.limits.idleMs,
            kiosk,
          }}
        >
          <ReportDetail
            r={r}
            body={r.body}
            csrf={session.csrf}
            now={now()}
            locale={locale}
            t={t}
            tt={tt}
            attachments={receiver.attachments(params.unitId, params.reportId)}
            locked={kiosk.actionsLocked}
          >
            <AlertStrip
              open={alerts.openFor({ kind: 'report', unitId: r.unitId, reportId: r.reportId })}
              deps={view}
              csrf={session.csrf}
              now={now()}
              locale={locale}
              tt={tt}
              back="report"
              locked={kiosk.actionsLocked}
            />
            <ThreadSection
              r={r}
              entries={receiver.threads.thread(r.unitId, r.reportId)}
              outcome={receiver.threads.outcome(r.unitId, r.reportId)}
              csrf={session.csrf}
              locale={locale}
              form={(id) => gateway.forms.get(session.device, id)}
            />
          </ReportDetail>
        </Layout>,
      );
    },
  });

  gateway.routes.add({
    method: 'post',
    path: '/triage/reports/:unitId/:reportId/viewed',
    summary: 'A clinician acknowledges the report (its button): `viewed` to the crew, its alerts stop',
    access: triage,
    params: ReportParams,
    body: { kind: 'form', schema: v.object({}) },
    response: { kind: 'redirect' },
    handler: async (c, { params }) => {
      const r = find(receiver, params);
      const open = alerts.openFor({ kind: 'report', unitId: r.unitId, reportId: r.reportId });
      if (r.status === 'active' && (!r.viewed || open.length > 0)) {
        await markViewed(r);
        for (const o of open) alerts.acknowledge(o.alert.key, userOf(c));
        gateway.recordAccess(
          c,
          'update',
          { kind: 'report', id: params.reportId },
          {
            ...whyFor(r),
            reason: 'acknowledged',
          },
        );
        gateway.live.refresh('incoming');
      }
      return c.redirect(reportPath(params), 303);
    },
  });

  gateway.routes.add({
    method: 'post',
    path: '/triage/alerts/ack',
    summary: 'Acknowledge one board alert (per item, audited); a new report’s tells the crew `viewed`',
    access: triage,
    body: { kind: 'form', schema: AckForm },
    response: { kind: 'redirect' },
    handler: async (c, { body }) => {
      const alert = alerts.get(body.key);
      if (alert === undefined) throw new ApiFailure('not-found');
      const subject = alert.subject;
      const r = subject.kind === 'report' ? find(receiver, subject) : undefined;
      const done = alerts.acknowledge(body.key, userOf(c));
      // Someone else acknowledged it a moment ago (two screens): nothing left to do, not an error.
      if (done.ok) {
        if (r !== undefined) {
          if (alert.kind === 'new-report') await markViewed(r);
          gateway.recordAccess(
            c,
            'update',
            { kind: 'report', id: r.reportId },
            {
              ...whyFor(r),
              reason: `acknowledged-${alert.kind}`,
            },
          );
        } else {
          const session = c.get('session');
          // An inquiry carries no patient data (age band, sex, category): audited without a subject.
          gateway.audit.record({
            role: session?.role ?? null,
            userId: userOf(c),
            device,
            action: 'update',
            subject: null,
            purpose: null,
            reason: `acknowledged-${alert.kind}`,
            outcome: 'success',
          });
        }
        gateway.live.refresh('incoming');
      }
      return c.redirect(body.back === 'report' && r !== undefined ? reportPath(r) : '/', 303);
    },
  });

  gateway.routes.add({
    method: 'post',
    path: '/triage/reports/:unitId/:reportId/answer',
    summary: 'Accept, or decline with a reason (form); sends the signed answer to the crew',
    access: triage,
    params: ReportParams,
    body: { kind: 'form', schema: AnswerForm },
    response: { kind: 'redirect' },
    handler: async (c, { params, body }) => {
      const input: AnswerInput | undefined =
        body.decision === 'accept'
          ? { decision: 'accept' }
          : body.reason === undefined
            ? undefined
            : {
                decision: 'decline',
                reason: body.reason,
                ...(body.note === undefined || body.note.trim() === '' ? {} : { note: body.note.trim() }),
              };
      if (input === undefined) throw new ApiFailure('invalid-input', ['reason']);
      await answer(c, params, input);
      return c.redirect(reportPath(params), 303);
    },
  });

  gateway.routes.add({
    method: 'post',
    path: '/triage/reports/:unitId/:reportId/handover',
    summary: 'The patient arrived and was handed over (form); tells the crew, takes it off the board',
    access: triage,
    params: ReportParams,
    body: { kind: 'form', schema: v.object({}) },
    response: { kind: 'redirect' },
    handler: async (c, { params }) => {
      const found = find(receiver, params);
      const done = await receiver.handover(params.unitId, params.reportId);
      if (!done.ok) throw feedFailure(done.error, logger, 'triage change not stored');
      gateway.recordAccess(c, 'update', { kind: 'report', id: params.reportId }, whyFor(found));
      answered(c, params);
      gateway.live.refresh('incoming');
      return c.redirect('/', 303);
    },
  });

  gateway.routes.add({
    method: 'post',
    path: '/api/v1/triage/reports/:unitId/:reportId/answer',
    summary: 'Accept, or decline with a reason (JSON, for API clients); sends the signed answer to the crew',
    access: triage,
    params: ReportParams,
    body: { kind: 'json', schema: AnswerJson },
    response: { kind: 'json', schema: DeskState },
    handler: async (c, { params, body }) => {
      const r = await answer(c, params, body);
      return c.json({ unitId: r.unitId, reportId: r.reportId, state: deskState(r) });
    },
  });

  gateway.routes.add({
    method: 'get',
    path: '/api/v1/triage/reports/:unitId/:reportId/fhir',
    summary: 'The report as a FHIR R4 Bundle (collection) for the hospital record system (audited export)',
    access: triage,
    params: ReportParams,
    response: { kind: 'json' },
    handler: (c, { params }) => {
      const r = find(receiver, params);
      gateway.recordAccess(c, 'export', { kind: 'report', id: params.reportId }, whyFor(r));
      const attachments = receiver
        .attachments(params.unitId, params.reportId)
        .flatMap((a) => receiver.attachment(params.unitId, params.reportId, a.attachmentId) ?? []);
      return c.json(reportBundle(r, r.body, now(), attachments), 200, {
        'content-type': 'application/fhir+json; charset=utf-8',
        'content-disposition': `attachment; filename="report-${params.reportId}.fhir.json"`,
      });
    },
  });
};
