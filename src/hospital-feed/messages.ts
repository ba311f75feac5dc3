import * as v from 'valibot';
import { err, ok, type Result } from '../core/index.js';
import {
  AssignmentMessage,
  CaseId,
  InquiryAnswer,
  Sex,
  InquiryMessage,
  MilestoneMessage,
  OpaqueId,
  WITHDRAWAL_REASONS,
} from '../dispatch/index.js';
import { IdentityAssuranceWire } from './assurance-wire.js';
import { Summary } from './summary-wire.js';
import { THREAD_BODY_SCHEMAS } from './thread-wire.js';

/**
 * The bodies carried inside the envelope, one schema per message kind. Bodies are validated on
 * receipt (a bad body is a typed error and changes nothing); on failure only the paths of the
 * offending fields are reported, never the submitted values, which may be patient data.
 */

/** Opaque id chosen by the sending gateway (a UUID); it names the report in every later message. */
const ReportId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]{8,64}$/, 'must be an opaque id'));
const MessageId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,128}$/, 'must be an opaque id'));
const Timestamp = v.pipe(v.string(), v.isoTimestamp());
const Text = (max: number) => v.pipe(v.string(), v.maxLength(max));
const Int = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));
const Num = (min: number, max: number) => v.pipe(v.number(), v.minValue(min), v.maxValue(max));

/** Japan Coma Scale as entered: the level plus R (restless), I (incontinent), A (akinetic/apallic). */
export const Jcs = v.object({
  level: v.picklist([0, 1, 2, 3, 10, 20, 30, 100, 200, 300]),
  modifiers: v.optional(v.pipe(v.array(v.picklist(['R', 'I', 'A'])), v.maxLength(3)), []),
});

/**
 * Glasgow Coma Scale as entered. Crews in Japan record JCS; JCS→GCS agrees only ~80 % of the time
 * (field notes), so both are carried as entered and never converted.
 */
export const Gcs = v.object({ e: Int(1, 4), v: Int(1, 5), m: Int(1, 6) });

const Pupils = v.object({
  leftMm: Num(0.5, 10),
  rightMm: Num(0.5, 10),
  leftReactive: v.boolean(),
  rightReactive: v.boolean(),
});

/** One set of observations; a report carries the series, oldest first, so the board can show a trend. */
export const Vitals = v.object({
  at: Timestamp,
  heartRate: v.optional(Int(0, 350)),
  systolic: v.optional(Int(0, 350)),
  diastolic: v.optional(Int(0, 250)),
  respiratoryRate: v.optional(Int(0, 120)),
  spo2: v.optional(Int(0, 100)),
  temperatureC: v.optional(Num(20, 45)),
  jcs: v.optional(Jcs),
  gcs: v.optional(Gcs),
  pupils: v.optional(Pupils),
});

/** ATMIST: Age, Time, Mechanism or complaint, Injuries or illness, Signs, Treatment. */
export const Atmist = v.object({
  age: v.object({ value: Int(0, 130), unit: v.picklist(['years', 'months']), estimated: v.boolean() }),
  /** As the crew judged or the card said; absent in older reports (the board then says "not stated"). */
  sex: v.optional(Sex),
  time: Timestamp,
  mechanism: Text(1000),
  injuries: Text(2000),
  signs: v.pipe(v.array(Vitals), v.minLength(1), v.maxLength(100)),
  treatment: Text(2000),
});

/** A pre-arrival report; an update carries the same body, complete, and supersedes by sequence. */
export const ReportBody = v.object({
  reportId: ReportId,
  /** Absent when the crew had no records summary: the ER then reads every section as not available. */
  summary: v.optional(Summary),
  /** How the patient was identified (issue 13); absent in older reports, which read as "not stated". */
  identity: v.optional(IdentityAssuranceWire),
  atmist: Atmist,
  /** JTAS level: 1 resuscitation … 5 non-urgent (the board's acuity colour). */
  acuity: Int(1, 5),
  eta: Timestamp,
  /**
   * The dispatch case this transport belongs to (the unit's assignment), when there is one: ids only.
   * The hospital sends its outcome for the patient to this centre under this case (issue 16, item 5).
   */
  dispatch: v.optional(v.object({ dispatchId: OpaqueId, caseId: CaseId })),
  crew: v.object({
    unitId: Text(63),
    callSign: Text(40),
    phone: v.pipe(v.string(), v.regex(/^\+?[0-9-]{6,20}$/)),
  }),
});

export const CancelBody = v.object({
  reportId: ReportId,
  reason: v.picklist(['diversion', 'no-transport', 'entered-in-error']),
});

/** Message ids one `ack received` may name: a group commit's worth from one sender (~6 KiB of ids). */
export const ACK_BATCH_MAX = 64;

/**
 * `received` names the envelopes it acknowledges (those one commit stored from one sender, so one
 * signature and seal serve all of them) and is sent on every receipt, also of duplicates; it travels
 * on the stream of the first one's report (`reportId`). `viewed` is about the report, once a
 * clinician opened it.
 */
export const AckBody = v.variant('stage', [
  v.object({
    reportId: ReportId,
    stage: v.literal('received'),
    of: v.pipe(v.array(MessageId), v.minLength(1), v.maxLength(ACK_BATCH_MAX)),
  }),
  v.object({ reportId: ReportId, stage: v.literal('viewed') }),
]);

export const DECLINE_REASONS = [
  'no-bed',
  'no-specialist',
  'treating-other-critical',
  'equipment-unavailable',
  'out-of-capability',
  'other',
] as const;

export const AnswerBody = v.variant('decision', [
  v.object({ reportId: ReportId, decision: v.literal('accept') }),
  v.object({
    reportId: ReportId,
    decision: v.literal('decline'),
    reason: v.picklist(DECLINE_REASONS),
    note: v.optional(Text(500)),
  }),
]);

export const HandoverBody = v.object({ reportId: ReportId, at: Timestamp });

export const BODY_SCHEMAS = {
  report: ReportBody,
  update: ReportBody,
  cancel: CancelBody,
  ack: AckBody,
  answer: AnswerBody,
  handover: HandoverBody,
  ...THREAD_BODY_SCHEMAS,
} as const;

export type MessageKind = keyof typeof BODY_SCHEMAS;
export const MESSAGE_KINDS = Object.keys(BODY_SCHEMAS) as readonly MessageKind[];
export type BodyOf<K extends MessageKind> = v.InferOutput<(typeof BODY_SCHEMAS)[K]>;
export type ReportBody = v.InferOutput<typeof ReportBody>;
export type CancelBody = v.InferOutput<typeof CancelBody>;
export type AckBody = v.InferOutput<typeof AckBody>;
export type AnswerBody = v.InferOutput<typeof AnswerBody>;
export type HandoverBody = v.InferOutput<typeof HandoverBody>;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

/** A body together with its kind, as the feed handles it after opening an envelope. */
export type FeedMessage = { [K in MessageKind]: { readonly kind: K; readonly body: BodyOf<K> } }[MessageKind];

/**
 * A report body read back from the inbox. It was validated before it was stored, but a body stored
 * by an older version may hold the v1 summary: read through the schema, it comes out as v2 like a
 * v1 report arriving now. Should a stored body no longer parse at all, it is kept as stored rather
 * than dropped (accepted data is never lost).
 */
export const storedReportBody = (json: unknown): ReportBody => {
  const parsed = v.safeParse(ReportBody, json);
  return parsed.success ? parsed.output : (json as ReportBody);
};

/** Bodies larger than this are refused before parsing (Mosquitto's message_size_limit is set above it). */
export const MAX_BODY_BYTES = 256 * 1024;

export interface BodyProblem {
  readonly code: 'unknown-kind' | 'too-large' | 'not-json' | 'invalid-body';
  /** Dotted paths of the offending fields; never their values. */
  readonly paths: readonly string[];
}

export const isMessageKind = (kind: string): kind is MessageKind => Object.hasOwn(BODY_SCHEMAS, kind);

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Validates and encodes a body for sealing: what we send is held to the same schema as what we accept. */
export const encodeBody = (message: FeedMessage): Result<Uint8Array, BodyProblem> => {
  const parsed = v.safeParse(BODY_SCHEMAS[message.kind], message.body);
  if (!parsed.success) return err(problem(parsed.issues));
  const bytes = encoder.encode(JSON.stringify(parsed.output));
  return bytes.byteLength > MAX_BODY_BYTES ? err({ code: 'too-large', paths: [] }) : ok(bytes);
};

export const decodeBody = (kind: string, bytes: Uint8Array): Result<FeedMessage, BodyProblem> => {
  if (!isMessageKind(kind)) return err({ code: 'unknown-kind', paths: [] });
  if (bytes.byteLength > MAX_BODY_BYTES) return err({ code: 'too-large', paths: [] });
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(bytes));
  } catch {
    return err({ code: 'not-json', paths: [] });
  }
  const parsed = v.safeParse(BODY_SCHEMAS[kind], json);
  if (!parsed.success) return err(problem(parsed.issues));
  return ok({ kind, body: parsed.output } as FeedMessage);
};

const problem = (issues: readonly v.BaseIssue<unknown>[]): BodyProblem => ({
  code: 'invalid-body',
  paths: [...new Set(issues.map((i) => v.getDotPath(i) ?? '(root)'))],
});

/**
 * Dispatch messages: acceptance inquiries between a dispatch centre and hospitals, in the same
 * signed-then-sealed envelope. Kept apart from the report kinds above, so the report feed's
 * exhaustive switches do not grow; the inquiry carries no patient data beyond age band, sex,
 * category, acuity and ETA (docs/dispatch.md).
 */
export const WithdrawalBody = v.object({
  inquiryId: OpaqueId,
  caseId: CaseId,
  hospitalId: OpaqueId,
  reason: v.picklist(WITHDRAWAL_REASONS),
});

export const ConfirmationBody = v.object({ inquiryId: OpaqueId, caseId: CaseId, hospitalId: OpaqueId });

export const DISPATCH_BODY_SCHEMAS = {
  /** Dispatch → hospital: will you take this patient? */
  inquiry: InquiryMessage,
  /** Hospital → dispatch: accept, or decline with a reason. */
  'inquiry-answer': InquiryAnswer,
  /** Dispatch → hospital: no longer asking (accepted elsewhere, or cancelled). */
  withdrawal: WithdrawalBody,
  /** Dispatch → hospital: your acceptance stands; the patient is coming. */
  confirmation: ConfirmationBody,
  /** Dispatch → ambulance unit: run this case (ids only). */
  assignment: AssignmentMessage,
  /** Ambulance unit → its assigning centre: card read, summary viewed, departure, arrival (ids and time). */
  milestone: MilestoneMessage,
} as const;

export type DispatchKind = keyof typeof DISPATCH_BODY_SCHEMAS;
export const DISPATCH_KINDS = Object.keys(DISPATCH_BODY_SCHEMAS) as readonly DispatchKind[];
export type DispatchMessage = {
  [K in DispatchKind]: {
    readonly kind: K;
    readonly body: v.InferOutput<(typeof DISPATCH_BODY_SCHEMAS)[K]>;
  };
}[DispatchKind];

export const isDispatchKind = (kind: string): kind is DispatchKind =>
  Object.hasOwn(DISPATCH_BODY_SCHEMAS, kind);

export const encodeDispatchBody = (message: DispatchMessage): Result<Uint8Array, BodyProblem> => {
  const parsed = v.safeParse(DISPATCH_BODY_SCHEMAS[message.kind], message.body);
  if (!parsed.success) return err(problem(parsed.issues));
  return ok(encoder.encode(JSON.stringify(parsed.output)));
};

export const decodeDispatchBody = (kind: string, bytes: Uint8Array): Result<DispatchMessage, BodyProblem> => {
  if (!isDispatchKind(kind)) return err({ code: 'unknown-kind', paths: [] });
  if (bytes.byteLength > MAX_BODY_BYTES) return err({ code: 'too-large', paths: [] });
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(bytes));
  } catch {
    return err({ code: 'not-json', paths: [] });
  }
  const parsed = v.safeParse(DISPATCH_BODY_SCHEMAS[kind], json);
  if (!parsed.success) return err(problem(parsed.issues));
  return ok({ kind, body: parsed.output } as DispatchMessage);
};
