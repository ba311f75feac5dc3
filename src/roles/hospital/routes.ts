import * as v from 'valibot';
import { CATEGORIES, DeclineReason, EQUIPMENT, OpaqueId, type Category } from '../../dispatch/index.js';
import { ApiFailure, type Gateway } from '../../gateway/index.js';
import type { AlertDesk } from '../triage/index.js';
import type { HospitalInquiries } from './inquiries.js';
import { answerRefusedPage } from './panels.js';
import type { StatusEdit, StatusPublisher } from './status.js';

const Checkbox = v.optional(v.literal('on'));
const FormInt = (max: number) =>
  v.pipe(v.string(), v.regex(/^\d{1,6}$/), v.transform(Number), v.maxValue(max));

export const StatusForm = v.object({
  _csrf: v.string(),
  erOpen: Checkbox,
  ...(Object.fromEntries(CATEGORIES.map((c) => [`accepts_${c}`, Checkbox])) as Record<
    `accepts_${Category}`,
    typeof Checkbox
  >),
  bedsFree: FormInt(100_000),
  icuFree: FormInt(100_000),
  loadPercent: FormInt(100),
  ct: Checkbox,
  mri: Checkbox,
  cathLab: Checkbox,
  note: v.optional(v.pipe(v.string(), v.maxLength(280))),
});
type StatusFormValues = v.InferOutput<typeof StatusForm>;

export const AnswerForm = v.variant('kind', [
  v.object({ _csrf: v.string(), inquiryId: OpaqueId, kind: v.literal('accept') }),
  v.object({ _csrf: v.string(), inquiryId: OpaqueId, kind: v.literal('decline'), reason: DeclineReason }),
]);

const editOf = (f: StatusFormValues): StatusEdit => ({
  erOpen: f.erOpen === 'on',
  accepts: Object.fromEntries(
    CATEGORIES.map((c) => [c, f[`accepts_${c}`] === 'on']),
  ) as StatusEdit['accepts'],
  beds: { free: f.bedsFree, icuFree: f.icuFree },
  equipment: Object.fromEntries(EQUIPMENT.map((e) => [e, f[e] === 'on'])) as StatusEdit['equipment'],
  loadPercent: f.loadPercent,
  ...(f.note === undefined || f.note.trim() === '' ? {} : { note: f.note.trim() }),
});

/** The triage desk's forms: edit the published status, answer an inquiry. Both return to the board. */
export const hospitalDispatchRoutes = (
  gateway: Gateway,
  status: StatusPublisher,
  inquiries: HospitalInquiries,
  alerts: AlertDesk,
): void => {
  gateway.routes.add({
    method: 'post',
    path: '/hospital/status',
    summary: 'Edit the hospital status; it is signed and published (retained) at once',
    access: { kind: 'roles', roles: ['triage'] },
    body: { kind: 'form', schema: StatusForm },
    response: { kind: 'redirect' },
    redirectOnInvalid: '/',
    handler: async (c, { body }) => {
      const updated = await status.update(editOf(body));
      // The form's schema holds every bound of the status model (counts 0–100000, load 0–100, the
      // note's length): a refusal here is ours, not the person's.
      if (!updated.ok) throw new ApiFailure(updated.error === 'invalidStatus' ? 'invalid-input' : 'internal');
      await gateway.formDone(c);
      gateway.live.refresh('status');
      return c.redirect('/', 303);
    },
  });
  gateway.routes.add({
    method: 'post',
    path: '/hospital/inquiries/answer',
    summary: 'Answer an acceptance inquiry: accept, or decline with a reason (signed, sealed to dispatch)',
    access: { kind: 'roles', roles: ['triage'] },
    body: { kind: 'form', schema: AnswerForm },
    response: { kind: 'redirect' },
    redirectOnInvalid: '/',
    handler: async (c, { body }) => {
      const answer = body.kind === 'accept' ? { kind: body.kind } : { kind: body.kind, reason: body.reason };
      const result = await inquiries.answer(body.inquiryId, answer);
      if (!result.ok && result.error === 'unknownInquiry') throw new ApiFailure('not-found');
      // Past the deadline the answer is refused here, not only hidden on the page (issue 15), and the
      // person is told so in words (a 409 as JSON showed a wire code on the board).
      if (!result.ok && result.error === 'expired') return c.html(answerRefusedPage(c.get('locale')), 409);
      const session = c.get('session');
      if (result.ok && session !== undefined)
        alerts.endFor(
          { kind: 'inquiry', inquiryId: body.inquiryId },
          { kind: 'answered', by: session.userId },
        );
      // `closed` and `notSent` show on the panel itself (withdrawn, or "not sent, press again").
      return c.redirect('/', 303);
    },
  });
};
