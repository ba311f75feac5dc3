import * as v from 'valibot';
import { PrincipalId } from '../../config/index.js';
import { ApiFailure, type AccessReason, type Gateway } from '../../gateway/index.js';
import { fieldErrorsOf } from '../../gateway/ui/form-state.js';
import {
  DISPOSITIONS,
  Icd10Code,
  MAX_MESSAGE_CHARS,
  type BoardReport,
  type Receiver,
} from '../../hospital-feed/index.js';
import type { Logger } from '../../log/index.js';
import { assuranceCode, statedAssurance } from '../../summary/index.js';
import { contentOf, feedFailure, SendForm } from '../thread-form.js';
import { reportPath } from './board.js';
import { ThreadBody } from './thread-section.js';

const ReportParams = v.object({
  unitId: PrincipalId,
  reportId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]{8,64}$/)),
});
const ReadForm = v.object({ _csrf: v.string() });
/**
 * The desk's forms take any strings and are checked in the handler, so a refusal goes back to the
 * report's own page with what was typed kept and the field named (a route's invalid-redirect is fixed).
 */
const Loose = v.optional(v.pipe(v.string(), v.maxLength(4_000)), '');
const DeskSendForm = v.object({ _csrf: v.string(), quick: v.optional(v.string()), text: Loose });
const OutcomeForm = v.object({
  _csrf: v.string(),
  icd10: Loose,
  diagnosis: Loose,
  disposition: Loose,
  note: Loose,
});
const OutcomeChecked = v.object({
  icd10: Icd10Code,
  diagnosis: v.pipe(v.string(), v.trim(), v.maxLength(200)),
  disposition: v.picklist(DISPOSITIONS),
  note: v.pipe(v.string(), v.trim(), v.maxLength(MAX_MESSAGE_CHARS)),
});

const triage = { kind: 'roles', roles: ['triage'] } as const;

/** Messages and outcomes are part of the report's care: the same emergency basis as reading it. */
const whyFor = (r: BoardReport, reason: string): AccessReason => ({
  purpose: 'emergency-exception',
  reason,
  assurance: assuranceCode(statedAssurance(r.body?.identity)),
});

/**
 * The triage desk's side of the conversation and the outcome (issue 16, items 2 and 5): the section's
 * fragment (refetched by the live script on each `thread` event), send, seen and outcome. Every
 * action is audited with the report's id and a reason code, never the text.
 */
export const threadRoutes = ({
  gateway,
  receiver,
  logger,
}: {
  readonly gateway: Gateway;
  readonly receiver: Receiver;
  readonly logger: Logger;
}): void => {
  receiver.on('thread', () => gateway.live.refresh('thread'));
  const find = (p: v.InferOutput<typeof ReportParams>): BoardReport => {
    const r = receiver.all().find((x) => x.unitId === p.unitId && x.reportId === p.reportId);
    if (r?.body === undefined) throw new ApiFailure('not-found');
    return r;
  };
  /** The conversation a user was last shown, per report: a refresh that shows nothing new is not a new read. */
  const shown = new Map<string, number>();

  gateway.routes.add({
    method: 'get',
    path: '/triage/reports/:unitId/:reportId/thread',
    summary: 'The report’s messages section as an HTML fragment (what the live script refetches)',
    access: triage,
    params: ReportParams,
    response: { kind: 'html' },
    handler: (c, { params }) => {
      const session = c.get('session');
      if (session === undefined) throw new ApiFailure('unauthenticated');
      const r = find(params);
      const entries = receiver.threads.thread(r.unitId, r.reportId);
      const key = `${session.userId}\n${r.unitId}\n${r.reportId}`;
      if (shown.get(key) !== entries.length) {
        shown.set(key, entries.length);
        gateway.recordAccess(c, 'read', { kind: 'report', id: r.reportId }, whyFor(r, 'pre-arrival-message'));
      }
      const forms = gateway.forms;
      return c.html(
        <ThreadBody
          r={r}
          entries={entries}
          outcome={receiver.threads.outcome(r.unitId, r.reportId)}
          csrf={session.csrf}
          locale={c.get('locale')}
          form={(id) => forms.get(session.device, id)}
        />,
      );
    },
  });

  gateway.routes.add({
    method: 'post',
    path: '/triage/reports/:unitId/:reportId/thread/send',
    summary: 'A quick reply or a short text to the crew (signed, sealed, through the reply outbox)',
    access: triage,
    params: ReportParams,
    body: { kind: 'form', schema: DeskSendForm },
    response: { kind: 'redirect' },
    handler: async (c, { params, body }) => {
      const r = find(params);
      const checked = v.safeParse(SendForm, body);
      if (!checked.success)
        return gateway.refuseForm(c, fieldErrorsOf(SendForm, checked.issues), reportPath(r));
      const content = contentOf(checked.output);
      if (content === undefined) return gateway.refuseForm(c, { text: 'required' }, reportPath(r));
      // Answering is reading: the crew's messages are on screen above the form.
      const read = await receiver.threads.markRead(r.unitId, r.reportId);
      if (!read.ok) throw feedFailure(read.error, logger, 'message not stored');
      const sent = await receiver.threads.send(r.unitId, r.reportId, content);
      if (!sent.ok) throw feedFailure(sent.error, logger, 'message not stored');
      gateway.recordAccess(c, 'create', { kind: 'report', id: r.reportId }, whyFor(r, 'pre-arrival-message'));
      await gateway.formDone(c);
      return c.redirect(reportPath(r), 303);
    },
  });

  gateway.routes.add({
    method: 'post',
    path: '/triage/reports/:unitId/:reportId/thread/read',
    summary: 'Someone at the desk has seen the crew’s messages: the read receipt (ends the board’s re-alert)',
    access: triage,
    params: ReportParams,
    body: { kind: 'form', schema: ReadForm },
    response: { kind: 'redirect' },
    handler: async (c, { params }) => {
      const r = find(params);
      const read = await receiver.threads.markRead(r.unitId, r.reportId);
      if (!read.ok) throw feedFailure(read.error, logger, 'message not stored');
      if (read.value > 0)
        gateway.recordAccess(
          c,
          'update',
          { kind: 'report', id: r.reportId },
          whyFor(r, 'pre-arrival-message'),
        );
      return c.redirect(reportPath(r), 303);
    },
  });

  gateway.routes.add({
    method: 'post',
    path: '/triage/reports/:unitId/:reportId/outcome',
    summary: 'The ER outcome after handover (ICD-10, disposition, note) to the crew and the dispatch case',
    access: triage,
    params: ReportParams,
    body: { kind: 'form', schema: OutcomeForm },
    response: { kind: 'redirect' },
    handler: async (c, { params, body }) => {
      const r = find(params);
      const checked = v.safeParse(OutcomeChecked, body);
      if (!checked.success)
        return gateway.refuseForm(c, fieldErrorsOf(OutcomeChecked, checked.issues), reportPath(r));
      const o = checked.output;
      const sent = await receiver.threads.sendOutcome(r.unitId, r.reportId, {
        icd10: o.icd10,
        disposition: o.disposition,
        ...(o.diagnosis === '' ? {} : { diagnosis: o.diagnosis }),
        ...(o.note === '' ? {} : { note: o.note }),
      });
      if (!sent.ok) throw feedFailure(sent.error, logger, 'message not stored');
      gateway.recordAccess(c, 'create', { kind: 'report', id: r.reportId }, whyFor(r, 'outcome-feedback'));
      await gateway.formDone(c);
      return c.redirect(reportPath(r), 303);
    },
  });
};
