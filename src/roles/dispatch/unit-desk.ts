import { EventEmitter } from 'node:events';
import { err, ok, type Clock, type Result } from '../../core/index.js';
import type { DirectoryView } from '../../crypto/index.js';
import { checkMilestone, type MilestoneRejection, type TimelineEvent } from '../../dispatch/index.js';
import {
  encodeDispatchBody,
  topics,
  type DispatchIncoming,
  type EnvelopeCodec,
  type PublishLink,
  type StorageErrorCode,
} from '../../hospital-feed/index.js';
import type { Logger } from '../../log/index.js';
import { caseRetention, type SqliteCaseStore, type StoredCase } from './case-store.js';
import type { TimelineStore } from './timeline-store.js';

export const ASSIGN_ERROR = {
  /** No valid `ambulance` key for that id in the pinned directory: nothing can be sealed to it. */
  unknownUnit: 'unknownUnit',
  /** Sealed, but the link refused it: press again. */
  notSent: 'notSent',
} as const;
export type AssignError = (typeof ASSIGN_ERROR)[keyof typeof ASSIGN_ERROR];

export interface UnitDeskEvents {
  /** A unit's milestone went into the timeline. */
  recorded: [event: TimelineEvent];
  /** An assignment was tried: the unit now assigned (told), if any. */
  assigned: [caseId: string, unitId: string | undefined];
}

export interface UnitDeskOptions {
  readonly dispatchId: string;
  readonly codec: EnvelopeCodec;
  readonly link: PublishLink;
  readonly directory: DirectoryView;
  readonly clock: Clock;
  /** Where milestones are recorded, each with its envelope id (timeline-store.ts). */
  readonly timeline: Pick<TimelineStore, 'appendMilestone' | 'milestonesOf'>;
  /** Where each case's assigned unit is kept across a restart (beside its inquiry state). */
  readonly store: Pick<SqliteCaseStore, 'saveUnit'>;
  /** The cases the store held at start: their assigned units. */
  readonly restored?: readonly StoredCase[];
  readonly logger: Logger;
  /** Counts a refused milestone (bounded labels). */
  readonly rejected?: (reason: MilestoneRejection) => void;
}

/** An assignment matters while the case runs: a shift at most. */
const ASSIGNMENT_TTL_MS = 12 * 3600_000;

/**
 * Links the centre's cases to ambulance units: an assignment goes to the unit sealed (ids only), and
 * the milestones the unit reports back (card read, summary viewed, departure, arrival) are recorded
 * in the case timeline when they come from the unit assigned to that case, once each. The unit
 * assigned is committed in cases.sqlite once it was told, so a restarted dispatch (kill -9 included)
 * still takes that unit's milestones; which milestones a case has is read from the timeline.
 */
export class UnitDesk extends EventEmitter<UnitDeskEvents> {
  readonly #unitOf = new Map<string, string>();
  /** Cases whose last assignment the link refused: the screen asks to press again. */
  readonly #notSent = new Set<string>();

  constructor(private readonly o: UnitDeskOptions) {
    super();
    for (const c of o.restored ?? []) if (c.unitId !== undefined) this.#unitOf.set(c.caseId, c.unitId);
  }

  /** Ambulance units with a key valid now: who can be assigned. */
  units(): readonly { readonly id: string; readonly name: string }[] {
    const directory = this.o.directory.current;
    const now = this.o.clock.now();
    const seen = new Map<string, string>();
    for (const e of directory.entries)
      if (e.role === 'ambulance' && directory.statusOf(e, now) === 'valid')
        seen.set(e.principal, e.displayName);
    return [...seen].map(([id, name]) => ({ id, name }));
  }

  assignedUnit(caseId: string): string | undefined {
    return this.#unitOf.get(caseId);
  }

  assignmentNotSent(caseId: string): boolean {
    return this.#notSent.has(caseId);
  }

  async assign(caseId: string, unitId: string): Promise<Result<void, AssignError>> {
    const now = this.o.clock.now();
    if (this.o.directory.current.currentKey(unitId, now)?.role !== 'ambulance')
      return err(ASSIGN_ERROR.unknownUnit);
    const sent = await this.#send(caseId, unitId, now);
    if (!sent) {
      this.#notSent.add(caseId);
      this.emit('assigned', caseId, this.#unitOf.get(caseId));
      return err(ASSIGN_ERROR.notSent);
    }
    // A reassignment replaces the unit: milestones from the previous one are refused from now on.
    this.#unitOf.set(caseId, unitId);
    // A failed write leaves the assignment in memory, and the operator is told the storage code.
    const saved = this.o.store.saveUnit(caseId, unitId, now, caseRetention(now));
    if (!saved.ok) this.o.logger.error('dispatch case not stored', { code: saved.error });
    this.#notSent.delete(caseId);
    this.emit('assigned', caseId, unitId);
    return ok(undefined);
  }

  async #send(caseId: string, unitId: string, now: number): Promise<boolean> {
    const body = encodeDispatchBody({
      kind: 'assignment',
      body: { caseId, dispatchId: this.o.dispatchId, unitId, assignedAt: now },
    });
    try {
      if (!body.ok) throw new Error(body.error.code);
      const sealed = await this.o.codec.seal({
        kind: 'assignment',
        to: unitId,
        body: body.value,
        stream: caseId,
        sequence: 1,
        expiresAt: now + ASSIGNMENT_TTL_MS,
      });
      return (await this.o.link.publish(topics.unitInbox(unitId), sealed.bytes)).ok;
    } catch (error) {
      this.o.logger.warn('assignment not sealed', { error: error as Error });
      return false;
    }
  }

  /**
   * A milestone opened from our inbox: recorded only from the unit assigned to its case, in one
   * commit with its envelope id, before this returns (so before the inbox handler lets its PUBACK go).
   * A write that fails records nothing (the storage code is logged, never the case) and is returned.
   */
  receive({
    envelope,
    dispatch,
  }: DispatchIncoming): Result<TimelineEvent, MilestoneRejection | StorageErrorCode> | undefined {
    if (dispatch.kind !== 'milestone') return undefined;
    const now = this.o.clock.now();
    // Which milestones the case has decides whether this one is new: unknown, nothing is recorded
    // (the storage code is logged, never the case) and the unit's copy is taken once it reads again.
    const recorded = this.o.timeline.milestonesOf(dispatch.body.caseId);
    if (!recorded.ok) {
      this.o.logger.error('dispatch timeline not read', { code: recorded.error });
      return recorded;
    }
    const checked = checkMilestone({
      message: dispatch.body,
      from: envelope.from,
      senderRole: this.o.directory.current.currentKey(envelope.from, now)?.role,
      assignedUnit: this.#unitOf.get(dispatch.body.caseId),
      recorded: recorded.value,
      now,
    });
    if (!checked.ok) {
      this.o.rejected?.(checked.error);
      this.o.logger.warn('milestone refused', { reason: checked.error, unit: envelope.from });
      return checked;
    }
    const stored = this.o.timeline.appendMilestone(checked.value, envelope.messageId, now);
    if (!stored.ok) {
      this.o.logger.error('dispatch timeline not stored', { code: stored.error });
      return err(stored.error);
    }
    this.emit('recorded', checked.value);
    return checked;
  }
}
