import * as v from 'valibot';
import { err, ok, type Result } from '../core/index.js';
import { fieldProblems, type FieldProblem } from './problems.js';
import { Acuity, AgeBand, Category, DeclineReason, OpaqueId, Sex } from './vocabulary.js';

/** Short enough that `${caseId}-q${n}` is still an opaque id (63 characters at most). */
export const CaseId = v.pipe(
  v.string(),
  v.regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'must be 2–40 lower-case letters, digits or hyphens'),
);

const EpochMs = v.pipe(v.number(), v.integer(), v.minValue(0));
const Minutes = v.pipe(v.number(), v.minValue(0), v.maxValue(600));

/**
 * The whole of what a hospital learns before it accepts: no name, no birth date, no address, only
 * what a triage doctor needs to say yes or no (the same items crews give by phone today).
 */
export const InquiryRequest = v.object({
  caseId: CaseId,
  ageBand: AgeBand,
  sex: Sex,
  category: Category,
  acuity: Acuity,
});
export type InquiryRequest = v.InferOutput<typeof InquiryRequest>;

/** Sent to one hospital; `inquiryId` ties its answer to this round, never to an older one. */
export const InquiryMessage = v.object({
  ...InquiryRequest.entries,
  inquiryId: OpaqueId,
  hospitalId: OpaqueId,
  etaMinutes: Minutes,
  sentAt: EpochMs,
  answerBy: EpochMs,
});
export type InquiryMessage = v.InferOutput<typeof InquiryMessage>;

/** A hospital's answer. The transport verifies its signature before the reducer sees it. */
export const InquiryAnswer = v.object({
  inquiryId: OpaqueId,
  hospitalId: OpaqueId,
  answer: v.variant('kind', [
    v.object({ kind: v.literal('accept') }),
    v.object({ kind: v.literal('decline'), reason: DeclineReason }),
  ]),
});
export type InquiryAnswer = v.InferOutput<typeof InquiryAnswer>;

export const WITHDRAWAL_REASONS = ['acceptedElsewhere', 'cancelled'] as const;
export type WithdrawalReason = (typeof WITHDRAWAL_REASONS)[number];

export interface Withdrawal {
  readonly inquiryId: string;
  readonly caseId: string;
  readonly hospitalId: string;
  readonly reason: WithdrawalReason;
}

/** Tells the winner its acceptance stands: the bed is now promised to this patient. */
export interface Confirmation {
  readonly inquiryId: string;
  readonly caseId: string;
  readonly hospitalId: string;
}

export const ESCALATION_TRIGGERS = ['refusals', 'elapsed'] as const;
export type EscalationTrigger = (typeof ESCALATION_TRIGGERS)[number];

/** To the regional centre (地域の基幹病院 / コーディネーター), which then finds the bed by phone. */
export interface Escalation {
  readonly caseId: string;
  readonly regionalCentreId: string;
  readonly trigger: EscalationTrigger;
  readonly refusals: number;
  readonly elapsedMinutes: number;
  readonly request: InquiryRequest;
}

export const INQUIRY_ERROR = { invalidAnswer: 'invalidAnswer' } as const;
export interface InquiryError {
  readonly code: typeof INQUIRY_ERROR.invalidAnswer;
  readonly problems: readonly FieldProblem[];
}

/** Parses an answer from untrusted input; never throws. */
export const parseInquiryAnswer = (input: unknown): Result<InquiryAnswer, InquiryError> => {
  const parsed = v.safeParse(InquiryAnswer, input);
  return parsed.success
    ? ok(parsed.output)
    : err({ code: INQUIRY_ERROR.invalidAnswer, problems: fieldProblems(parsed.issues) });
};

/**
 * Escalation and timeout rules. The centre and the thresholds vary by region (each prefecture's
 * transport rules name its own coordinating hospital), so callers pick one with `inquiryPolicyFor`.
 */
export const InquiryPolicy = v.object({
  regionalCentreId: OpaqueId,
  /** How many hospitals one round asks at once. */
  parallelInquiries: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(20)), 3),
  /** A hospital that has not answered by then counts as a refusal (a late acceptance still wins). */
  answerTimeoutSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(10), v.maxValue(3600)), 180),
  escalateAfterRefusals: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(50)), 5),
  escalateAfterMinutes: v.optional(v.pipe(v.number(), v.minValue(1), v.maxValue(240)), 20),
});
export type InquiryPolicy = v.InferOutput<typeof InquiryPolicy>;

export const RegionalInquiryPolicies = v.object({
  default: InquiryPolicy,
  regions: v.optional(v.record(OpaqueId, InquiryPolicy), {}),
});
export type RegionalInquiryPolicies = v.InferOutput<typeof RegionalInquiryPolicies>;

/** Own keys only: a region named like an Object.prototype member must not find one. */
export const inquiryPolicyFor = (policies: RegionalInquiryPolicies, regionId: string): InquiryPolicy =>
  (Object.hasOwn(policies.regions, regionId) ? policies.regions[regionId] : undefined) ?? policies.default;
