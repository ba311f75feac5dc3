import * as v from 'valibot';
import { CaseId, DISPOSITIONS, OpaqueId } from '../dispatch/index.js';

/**
 * Bodies of the crew↔ER conversation and of the hospital's outcome feedback (issue 16, items 2 and 5),
 * kept apart from the report kinds in `messages.ts` so each part's schemas merge on their own. Like
 * every feed body they travel signed, then sealed, through the durable outbox; on a schema failure
 * only the field paths are reported, never the values (a message may name the patient).
 */

const ReportId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]{8,64}$/, 'must be an opaque id'));
/** The conversation message's own id (a UUID chosen by its sender): receipts name it. */
export const ThreadId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]{8,64}$/, 'must be an opaque id'));
const Timestamp = v.pipe(v.string(), v.isoTimestamp());

/** A short message: one screen line or two on the tablet, read at a glance while driving. */
export const MAX_MESSAGE_CHARS = 280;

/**
 * Quick replies: codes on the wire, words in the reader's locale (ja/en), so a tap is one fixed
 * meaning whatever language the other side reads. Which side offers which is a screen choice
 * (`QUICK_FROM`); either side may receive any.
 */
export const QUICK_REPLIES = [
  'eta-request',
  'cath-lab-ready',
  'ct-ready',
  'go-to-resus-1',
  'go-to-resus-2',
  'go-to-er-entrance',
  'call-us',
  'received',
  'arriving-5',
  'arriving-now',
  'patient-worse',
] as const;
export type QuickReply = (typeof QUICK_REPLIES)[number];

export const QUICK_FROM = {
  hospital: [
    'eta-request',
    'cath-lab-ready',
    'ct-ready',
    'go-to-resus-1',
    'go-to-resus-2',
    'go-to-er-entrance',
    'call-us',
    'received',
  ],
  unit: ['received', 'arriving-5', 'arriving-now', 'patient-worse', 'call-us'],
} as const satisfies Record<'hospital' | 'unit', readonly QuickReply[]>;

const Text = v.pipe(
  v.string(),
  v.trim(),
  v.minLength(1, 'must not be empty'),
  v.maxLength(MAX_MESSAGE_CHARS, `at most ${MAX_MESSAGE_CHARS} characters`),
);

/** One message of the conversation about one report: either free text or a quick reply, never both. */
export const ThreadMessageBody = v.variant('type', [
  v.object({
    reportId: ReportId,
    threadId: ThreadId,
    type: v.literal('text'),
    text: Text,
    sentAt: Timestamp,
  }),
  v.object({
    reportId: ReportId,
    threadId: ThreadId,
    type: v.literal('quick'),
    quick: v.picklist(QUICK_REPLIES),
    sentAt: Timestamp,
  }),
]);
export type ThreadMessageBody = v.InferOutput<typeof ThreadMessageBody>;

/**
 * "Read": the recipient's screen showed these messages to a signed-in user. "Delivered" needs no kind
 * of its own: it is the recipient's signed `ack received` of the message's envelope.
 */
export const ThreadReadBody = v.object({
  reportId: ReportId,
  read: v.pipe(v.array(ThreadId), v.minLength(1), v.maxLength(100)),
  at: Timestamp,
});
export type ThreadReadBody = v.InferOutput<typeof ThreadReadBody>;

export { DISPOSITIONS, type Disposition } from '../dispatch/index.js';

/**
 * ICD-10 code as used in Japan (ICD-10 2013 version, MHLW 疾病、傷害及び死因の統計分類): a letter,
 * two digits, optionally a point and one or two more characters (I63.9, S06.50).
 */
export const Icd10Code = v.pipe(
  v.string(),
  v.toUpperCase(),
  v.regex(/^[A-Z][0-9]{2}(\.[0-9A-Z]{1,2})?$/, 'must be an ICD-10 code such as I63.9'),
);

/**
 * The ER's outcome for a handed-over patient. The unit's copy carries the note; the dispatch
 * centre's copy (`case` present) carries only what its KPIs count: code, disposition, case id.
 */
export const OutcomeBody = v.object({
  reportId: ReportId,
  /** Chosen by the hospital; a corrected outcome reuses it and replaces the earlier one. */
  outcomeId: ThreadId,
  diagnosis: v.object({
    icd10: Icd10Code,
    text: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(200))),
  }),
  disposition: v.picklist(DISPOSITIONS),
  note: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(MAX_MESSAGE_CHARS))),
  /** The dispatch case the report named (ReportBody.dispatch); present only in dispatch's copy. */
  case: v.optional(v.object({ dispatchId: OpaqueId, caseId: CaseId })),
  decidedAt: Timestamp,
});
export type OutcomeBody = v.InferOutput<typeof OutcomeBody>;

export const THREAD_BODY_SCHEMAS = {
  /** Both directions: a text or quick reply about one report. */
  message: ThreadMessageBody,
  /** Both directions: the recipient showed these messages to a user. */
  'message-read': ThreadReadBody,
  /** Hospital → unit, and hospital → the report's dispatch centre: the ER outcome. */
  outcome: OutcomeBody,
} as const;
