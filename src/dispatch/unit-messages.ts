import * as v from 'valibot';
import { err, ok, type Result } from '../core/index.js';
import { CaseId } from './inquiry-messages.js';
import type { TimelineEvent } from './timeline.js';
import { OpaqueId } from './vocabulary.js';

const EpochMs = v.pipe(v.number(), v.integer(), v.minValue(0));

/**
 * Dispatch → ambulance unit: this unit runs this case. Ids only: the unit learns nothing about the
 * patient from dispatch; it reads the card itself.
 */
export const AssignmentMessage = v.object({
  caseId: CaseId,
  dispatchId: OpaqueId,
  unitId: OpaqueId,
  assignedAt: EpochMs,
});
export type AssignmentMessage = v.InferOutput<typeof AssignmentMessage>;

/** The milestones only the ambulance sees, in the order they normally happen. */
export const UNIT_MILESTONES = ['cardRead', 'summaryViewed', 'departure', 'arrival'] as const;
export type UnitMilestone = (typeof UNIT_MILESTONES)[number];

/** Ambulance unit → its assigning dispatch centre: the case id, which milestone, and when. */
export const MilestoneMessage = v.object({
  caseId: CaseId,
  unitId: OpaqueId,
  milestone: v.picklist(UNIT_MILESTONES),
  at: EpochMs,
});
export type MilestoneMessage = v.InferOutput<typeof MilestoneMessage>;

/** Why dispatch did not record a milestone; each is counted under its own label. */
export const MILESTONE_REJECTION = {
  /** The signer's directory role is not `ambulance`. */
  notAUnit: 'notAUnit',
  /** The body names another unit than the envelope's signer. */
  wrongUnit: 'wrongUnit',
  /** No unit, or another unit, is assigned to this case here. */
  notAssigned: 'notAssigned',
  /** Dated after the moment it was received (beyond the tolerated clock skew). */
  fromTheFuture: 'fromTheFuture',
  /** This milestone of this case is already recorded: the first one stands. */
  duplicate: 'duplicate',
} as const;
export type MilestoneRejection = (typeof MILESTONE_REJECTION)[keyof typeof MILESTONE_REJECTION];

/** Tablets' clocks drift; a couple of minutes ahead is still believed (as for hospital statuses). */
export const MILESTONE_SKEW_MS = 2 * 60_000;

export interface MilestoneCheck {
  readonly message: MilestoneMessage;
  /** The envelope's signer, proven by its signature. */
  readonly from: string;
  /** The signer's role in the pinned directory now (undefined: no valid key). */
  readonly senderRole: string | undefined;
  /** The unit assigned to the message's case here, if any. */
  readonly assignedUnit: string | undefined;
  /** Milestones of this case already recorded. */
  readonly recorded: ReadonlySet<UnitMilestone>;
  readonly now: number;
}

/** Decides whether a milestone from a unit goes into the case timeline, and as what. */
export const checkMilestone = (c: MilestoneCheck): Result<TimelineEvent, MilestoneRejection> => {
  if (c.senderRole !== 'ambulance') return err(MILESTONE_REJECTION.notAUnit);
  if (c.message.unitId !== c.from) return err(MILESTONE_REJECTION.wrongUnit);
  if (c.assignedUnit !== c.from) return err(MILESTONE_REJECTION.notAssigned);
  if (c.message.at > c.now + MILESTONE_SKEW_MS) return err(MILESTONE_REJECTION.fromTheFuture);
  if (c.recorded.has(c.message.milestone)) return err(MILESTONE_REJECTION.duplicate);
  return ok({ caseId: c.message.caseId, kind: c.message.milestone, at: c.message.at });
};

/** Why a unit did not take an assignment. */
export const ASSIGNMENT_REJECTION = {
  /** The signer's directory role is not `dispatch`. */
  notDispatch: 'notDispatch',
  /** The body names another centre than the signer, or another unit than us. */
  misaddressed: 'misaddressed',
  /** Older than the assignment held: a late or replayed one cannot roll it back. */
  outdated: 'outdated',
} as const;
export type AssignmentRejection = (typeof ASSIGNMENT_REJECTION)[keyof typeof ASSIGNMENT_REJECTION];

export interface AssignmentCheck {
  readonly message: AssignmentMessage;
  readonly from: string;
  readonly senderRole: string | undefined;
  /** This unit's own principal id. */
  readonly self: string;
  readonly held: AssignmentMessage | undefined;
}

export const checkAssignment = (c: AssignmentCheck): Result<AssignmentMessage, AssignmentRejection> => {
  if (c.senderRole !== 'dispatch') return err(ASSIGNMENT_REJECTION.notDispatch);
  if (c.message.dispatchId !== c.from || c.message.unitId !== c.self)
    return err(ASSIGNMENT_REJECTION.misaddressed);
  if (c.held !== undefined && c.message.assignedAt < c.held.assignedAt)
    return err(ASSIGNMENT_REJECTION.outdated);
  return ok(c.message);
};
