import * as v from 'valibot';
import { err, ok, type Result } from '../core/index.js';
import { fieldProblems, type FieldProblem } from './problems.js';
import { CATEGORIES, OpaqueId, type Category } from './vocabulary.js';

const Count = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100_000));
/** Milliseconds since the Unix epoch, the unit of every injected clock. */
const EpochMs = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(8_640_000_000_000_000));

const Acceptance = v.object(
  Object.fromEntries(CATEGORIES.map((c) => [c, v.boolean()])) as Record<Category, v.BooleanSchema<undefined>>,
);

/**
 * What one hospital says about itself, published by its edge box and edited from the triage board.
 * Field meanings follow EDXL-HAVE 1.0 where it has an element; docs/dispatch.md holds the mapping.
 */
export const HospitalStatus = v.object({
  /** HAVE OrganizationInformation/OrganizationID. */
  hospitalId: OpaqueId,
  /** HAVE EmergencyDepartmentStatus/EMSTraffic: false for Closed (diversion), true for Normal/Advisory. */
  erOpen: v.boolean(),
  /** HAVE ServiceCoverageStatus: whether the hospital takes ambulance patients of each category now. */
  accepts: Acceptance,
  /** HAVE HospitalBedCapacityStatus/BedCapacity: AvailableCount of staffed, vacant beds. */
  beds: v.object({ free: Count, icuFree: Count }),
  /** No HAVE element; a local extension (HAVE has no per-modality imaging status). */
  equipment: v.object({ ct: v.boolean(), mri: v.boolean(), cathLab: v.boolean() }),
  /** ED load in percent of what the ED can take (HAVE EMSCensus over EMSCapacity, as one figure). */
  loadPercent: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100)),
  /** HAVE CommentText. Short, for staff: never patient details (the triage board says so). */
  note: v.optional(v.pipe(v.string(), v.maxLength(280))),
  /** HAVE LastUpdateTime, epoch milliseconds. */
  updatedAt: EpochMs,
});
export type HospitalStatus = v.InferOutput<typeof HospitalStatus>;

/**
 * The statement kind a hospital status is signed as (docs/dispatch.md, "Status signature"): the
 * hospital signs it, dispatch checks it, each from here.
 */
export const STATUS_KIND = 'hospital-status';

export const STATUS_ERROR = { invalidStatus: 'invalidStatus' } as const;

/** A status that cannot be used; permanent, so the caller drops it and keeps the last good one. */
export interface StatusError {
  readonly code: typeof STATUS_ERROR.invalidStatus;
  readonly problems: readonly FieldProblem[];
}

/** Parses a status from untrusted input (a decoded MQTT payload, a form). Never throws. */
export const parseHospitalStatus = (input: unknown): Result<HospitalStatus, StatusError> => {
  const parsed = v.safeParse(HospitalStatus, input);
  return parsed.success
    ? ok(parsed.output)
    : err({ code: STATUS_ERROR.invalidStatus, problems: fieldProblems(parsed.issues) });
};
