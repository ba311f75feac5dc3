import { randomBytes } from 'node:crypto';
import { ok, type Clock, type Result } from '../../core/index.js';
import {
  buildTimelines,
  computeKpis,
  rankHospitals,
  timelineEventsFromInquiry,
  type AgeBand,
  type DispatchKpis,
  type Incident,
  type InquiryRequest,
  type Ranking,
  type RankingPolicy,
  type Refusal,
  type Region,
  type Sex,
  type TimelineEvent,
} from '../../dispatch/index.js';
import type { StorageErrorCode } from '../../hospital-feed/index.js';
import type { Logger } from '../../log/index.js';
import { caseRetention, type SqliteCaseStore, type StoredCase } from './case-store.js';
import type { InquiryDesk } from './inquiry-desk.js';
import type { StatusBoard } from './status-board.js';
import type { TimelineStore } from './timeline-store.js';
import { missingInquiryMilestones } from './timeline-repair.js';

export interface NewCase {
  readonly incident: Incident;
  readonly ageBand: AgeBand;
  readonly sex: Sex;
}

/** The KPI report looks back this far. */
const REPORT_DAYS = 30;
const REFUSALS_KEPT = 1000;

export interface DispatchCasesOptions {
  readonly region: Region;
  readonly board: StatusBoard;
  readonly desk: InquiryDesk;
  readonly timeline: TimelineStore;
  readonly policy: RankingPolicy;
  readonly clock: Clock;
  readonly newCaseId?: () => string;
  readonly logger: Logger;
  /** Where each case's incident is kept for ranking after a restart (beside its inquiry state). */
  readonly store: SqliteCaseStore;
  /** The cases the store held at start. */
  readonly restored?: readonly StoredCase[];
}

/** Opaque, short, not derived from anything about the patient or the place. */
const randomCaseId = (): string => `case-${randomBytes(5).toString('hex')}`;

/**
 * The dispatch centre's cases: incidents entered, the ranking for each (from the statuses held now
 * and the recent refusals), the inquiries sent through the desk, and the timeline they leave.
 */
export class DispatchCases {
  readonly #incidents = new Map<string, Incident>();
  readonly #currentOf = new Map<string, string>();
  readonly #refusals: Refusal[] = [];
  /** The last timeline read failed: the operator was told, once for the whole run of failures. */
  #readFailing = false;

  constructor(private readonly o: DispatchCasesOptions) {
    // After a restart: each case's incident (to rank it again, to assign a unit), each dispatcher's
    // latest case on their incident form, the refusals hospitals gave (the ranking weighs them), and
    // the inquiry milestones a kill -9 kept from the timeline (timeline-repair.ts). A timeline that
    // cannot be read is not filled in (nothing is known to be missing): the next start tries again.
    for (const c of o.restored ?? []) {
      const recorded = c.state === undefined ? undefined : this.#read(o.timeline.ofCase(c.caseId));
      if (c.state !== undefined && recorded?.ok === true)
        this.#append(missingInquiryMilestones(c.state, recorded.value));
      if (c.incident !== undefined) this.#incidents.set(c.caseId, c.incident);
      if (c.openedBy !== undefined) this.#currentOf.set(c.openedBy, c.caseId);
      for (const t of c.state?.targets ?? [])
        if (t.phase === 'declined' && t.answeredAt !== undefined)
          this.#refusals.push({ hospitalId: t.hospitalId, at: t.answeredAt });
    }
    this.#refusals.sort((a, b) => a.at - b.at);
    this.#refusals.splice(0, Math.max(0, this.#refusals.length - REFUSALS_KEPT));
    o.desk.on('events', (caseId, events) => {
      this.#append(timelineEventsFromInquiry(caseId, events));
      for (const e of events)
        if (e.type === 'declined') this.#refusals.push({ hospitalId: e.hospitalId, at: e.at });
      this.#refusals.splice(0, Math.max(0, this.#refusals.length - REFUSALS_KEPT));
    });
  }

  open(userId: string, input: NewCase): InquiryRequest {
    const caseId = (this.o.newCaseId ?? randomCaseId)();
    const request: InquiryRequest = {
      caseId,
      ageBand: input.ageBand,
      sex: input.sex,
      category: input.incident.category,
      acuity: input.incident.acuity,
    };
    this.#incidents.set(caseId, input.incident);
    this.#currentOf.set(userId, caseId);
    this.o.desk.open(request);
    this.#save(caseId, input.incident, userId);
    // Entering the incident is the first milestone the centre records: the call.
    this.#append([{ caseId, kind: 'call', at: this.o.clock.now() }]);
    return request;
  }

  /**
   * Revises the incident of this dispatcher's current case while no hospital has been asked: the same
   * case, re-ranked, no second "call" milestone (a second look is not a second case in the KPIs).
   * False when the case is not theirs, or inquiries went out (then a change is a new case).
   */
  revise(userId: string, caseId: string, input: NewCase): boolean {
    if (this.#currentOf.get(userId) !== caseId) return false;
    const request: InquiryRequest = {
      caseId,
      ageBand: input.ageBand,
      sex: input.sex,
      category: input.incident.category,
      acuity: input.incident.acuity,
    };
    if (!this.o.desk.revise(request)) return false;
    this.#incidents.set(caseId, input.incident);
    this.#save(caseId, input.incident, userId);
    return true;
  }

  /** A failed write leaves the case in memory, and the operator is told the storage code. */
  #save(caseId: string, incident: Incident, userId: string): void {
    const now = this.o.clock.now();
    const saved = this.o.store.saveIncident(caseId, incident, userId, now, caseRetention(now));
    if (!saved.ok) this.o.logger.error('dispatch case not stored', { code: saved.error });
  }

  /**
   * A timeline write that fails (disk full, read-only, SQLITE_BUSY) loses only those milestones: it
   * runs inside the case's step (the desk's `events`), whose later steps and commands must still
   * run, and the operator is told the storage code, never the case. The inquiry milestones a
   * committed case implies are filled in at the next start (timeline-repair.ts).
   */
  #append(events: readonly TimelineEvent[]): void {
    const stored = this.o.timeline.append(events);
    if (!stored.ok) this.o.logger.error('dispatch timeline not stored', { code: stored.error });
  }

  currentCaseOf(userId: string): string | undefined {
    return this.#currentOf.get(userId);
  }

  incident(caseId: string): Incident | undefined {
    return this.#incidents.get(caseId);
  }

  rank(caseId: string): Ranking | undefined {
    const incident = this.#incidents.get(caseId);
    if (incident === undefined) return undefined;
    const ranked = rankHospitals({
      incident,
      hospitals: this.o.region.hospitals,
      statuses: this.o.board.statuses(),
      refusals: this.#refusals,
      now: this.o.clock.now(),
      policy: this.o.policy,
    });
    return ranked.ok ? ranked.value : undefined;
  }

  /** Asks the chosen hospitals (only ranked ones: an excluded or unknown id is not asked). */
  async ask(caseId: string, hospitalIds: readonly string[]): Promise<boolean> {
    const ranking = this.rank(caseId);
    if (ranking === undefined) return false;
    const wanted = new Set(hospitalIds);
    const targets = ranking.ranked
      .filter((r) => wanted.has(r.hospitalId))
      .map((r) => ({ hospitalId: r.hospitalId, etaMinutes: Math.ceil(r.travelMinutes) }));
    await this.o.desk.send(caseId, targets);
    return true;
  }

  async cancel(caseId: string): Promise<boolean> {
    if (this.o.desk.get(caseId) === undefined) return false;
    await this.o.desk.cancel(caseId);
    return true;
  }

  /** The case's milestones in time order (the screen's case timeline), or why they cannot be read. */
  timeline(caseId: string): Result<readonly TimelineEvent[], StorageErrorCode> {
    const events = this.#read(this.o.timeline.ofCase(caseId));
    return events.ok ? ok(buildTimelines(events.value)[0]?.events ?? []) : events;
  }

  /** The figures of the last REPORT_DAYS, or why the timeline they come from cannot be read. */
  kpis(): Result<DispatchKpis, StorageErrorCode> {
    const since = this.o.clock.now() - REPORT_DAYS * 24 * 3600_000;
    const events = this.#read(this.o.timeline.since(since));
    return events.ok ? ok(computeKpis(buildTimelines(events.value))) : events;
  }

  /**
   * A timeline read that fails (SQLITE_CORRUPT, SQLITE_IOERR, a locked file) is the screen's to show
   * and the operator's to repair: the storage code is logged, never the case, once until a read
   * succeeds again (each panel refresh reads, and would otherwise repeat it).
   */
  #read<T>(read: Result<T, StorageErrorCode>): Result<T, StorageErrorCode> {
    if (!read.ok && !this.#readFailing)
      this.o.logger.error('dispatch timeline not read', { code: read.error });
    this.#readFailing = !read.ok;
    return read;
  }
}
