import { EventEmitter } from 'node:events';
import type { Clock } from '../../core/index.js';
import type { DirectoryView } from '../../crypto/index.js';
import {
  checkAssignment,
  UNIT_MILESTONES,
  type AssignmentMessage,
  type AssignmentRejection,
  type UnitMilestone,
} from '../../dispatch/index.js';
import type { AmbulanceFeed, DispatchIncoming } from '../../hospital-feed/index.js';
import type { Logger } from '../../log/index.js';

/** The case this unit runs, as the tablet shows it: ids only, and where each milestone stands. */
export interface AssignedCase {
  readonly assignment: AssignmentMessage;
  /** Delivered to the broker, with the time the milestone happened. */
  readonly sent: ReadonlyMap<UnitMilestone, number>;
  /** Happened, not delivered yet: sent again, with its original time, on the next milestone. */
  readonly unsent: ReadonlyMap<UnitMilestone, number>;
}

export interface UnitAssignmentOptions {
  readonly unitId: string;
  readonly feed: Pick<AmbulanceFeed, 'on' | 'sendToDispatch'>;
  readonly directory: DirectoryView;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Counts a refused assignment (bounded labels). */
  readonly rejected?: (reason: AssignmentRejection) => void;
}

export interface UnitAssignmentEvents {
  changed: [];
}

/** A milestone is worth delivering for a day at most (the envelope's longest lifetime). */
const MILESTONE_TTL_MS = 24 * 3600_000;

/**
 * The unit's link to the dispatch case it runs: takes the centre's sealed assignment (from a
 * `dispatch` principal, addressed to this unit, not older than the one held) and reports the
 * milestones only the ambulance sees to that centre, each once, sealed: case id, kind and time.
 */
export class UnitAssignment extends EventEmitter<UnitAssignmentEvents> {
  #held: AssignedCase | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(private readonly o: UnitAssignmentOptions) {
    super();
    o.feed.on('dispatch', (incoming) => this.receive(incoming));
  }

  get current(): AssignedCase | undefined {
    return this.#held;
  }

  receive({ envelope, dispatch }: DispatchIncoming): void {
    if (dispatch.kind !== 'assignment') return;
    const checked = checkAssignment({
      message: dispatch.body,
      from: envelope.from,
      senderRole: this.o.directory.current.currentKey(envelope.from, this.o.clock.now())?.role,
      self: this.o.unitId,
      held: this.#held?.assignment,
    });
    if (!checked.ok) {
      this.o.rejected?.(checked.error);
      this.o.logger.warn('assignment refused', { reason: checked.error });
      return;
    }
    const held = this.#held;
    // A redelivery of the assignment held keeps what was already reported for it.
    if (held?.assignment.caseId === checked.value.caseId && held.assignment.dispatchId === envelope.from)
      return;
    this.#held = { assignment: checked.value, sent: new Map(), unsent: new Map() };
    this.o.logger.info('case assigned', { case: checked.value.caseId, dispatch: envelope.from });
    this.emit('changed');
  }

  /**
   * Whether the milestone may be recorded now: an arrival only after the departure (issue 15: an
   * arrival pressed first, e.g. by a handover of an old patient, made the call-to-arrival KPI wrong).
   */
  mayRecord(milestone: UnitMilestone): boolean {
    const held = this.#held;
    if (held === undefined) return false;
    return milestone !== 'arrival' || held.sent.has('departure') || held.unsent.has('departure');
  }

  /**
   * Notes that a milestone happened now (once per case: a second press changes nothing) and delivers
   * it with any earlier one not yet delivered. Resolves when this attempt is over; false when nothing
   * is assigned or something is still undelivered.
   */
  record(milestone: UnitMilestone): Promise<boolean> {
    const held = this.#held;
    if (held === undefined || !this.mayRecord(milestone)) return Promise.resolve(false);
    if (!held.sent.has(milestone) && !held.unsent.has(milestone)) {
      this.#held = { ...held, unsent: new Map([...held.unsent, [milestone, this.o.clock.now()]]) };
      this.emit('changed');
    }
    // One delivery at a time, so a milestone is never sealed twice by two overlapping calls.
    const run = this.#flushing.then(() => this.#flush());
    this.#flushing = run.then(() => undefined);
    return run;
  }

  async #flush(): Promise<boolean> {
    const held = this.#held;
    if (held === undefined) return false;
    const { caseId, dispatchId } = held.assignment;
    for (const milestone of UNIT_MILESTONES) {
      const at = held.unsent.get(milestone);
      if (at === undefined) continue;
      const sent = await this.o.feed.sendToDispatch(
        dispatchId,
        { kind: 'milestone', body: { caseId, unitId: this.o.unitId, milestone, at } },
        UNIT_MILESTONES.indexOf(milestone) + 1,
        at + MILESTONE_TTL_MS,
      );
      const now = this.#held;
      // Reassigned meanwhile: what was reported belongs to the previous case, which is no longer shown.
      if (now?.assignment.caseId !== caseId) return false;
      if (!sent.ok) {
        this.o.logger.warn('milestone not sent', { milestone, code: sent.error.code });
        return false;
      }
      const unsent = new Map(now.unsent);
      unsent.delete(milestone);
      this.#held = { ...now, sent: new Map([...now.sent, [milestone, at]]), unsent };
      this.emit('changed');
    }
    return true;
  }
}
