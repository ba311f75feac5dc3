import { EventEmitter } from 'node:events';
import { err, ok, type Clock, type Result } from '../../core/index.js';
import type { AmbulanceFeed, ReportInput, ReportView } from '../../hospital-feed/index.js';
import type { Logger } from '../../log/index.js';
import type { CardIdentity, IdentifyRequest, IdentifyStep, ReaderService } from '../../reader/index.js';
import type {
  Candidate,
  CandidateIdentity,
  CardIdentity as RecordsCardIdentity,
  ConsentBasis,
  LookupQuery,
  SummaryOutcome,
  SummaryRequest,
} from '../../records/index.js';
import type { FieldErrors, LookupDraft } from './lookup-form.js';
import type { LookupFailure } from './lookup-state.js';
import {
  hasUnsent,
  latestReport,
  mayFetch,
  mayIdentify,
  mayLookUp,
  newSession,
  newUnknownPatient,
  NOTICES,
  reduce,
  retriesInBackground,
  type CardSession,
  type Notice,
  type PatientDescription,
  type SessionEvent,
} from './state.js';
import type { TechoState } from './techo-scan.js';

/** The parts of the records client the session uses. */
export interface SummarySource {
  fetchSummary(request: SummaryRequest): Promise<SummaryOutcome>;
}

/** What a card-less lookup gave the tablet: candidates (none chosen), or why there are none to choose. */
export type CandidatesAnswer =
  | { readonly code: 'ok'; readonly candidates: readonly Candidate[]; readonly complete: boolean }
  | { readonly code: 'failed'; readonly failure: LookupFailure };

/** The records upstream's card-less lookup (sealed: `RecordsClient.lookup`; FHIR: `findCandidates`). */
export interface CandidateSource {
  findCandidates(query: LookupQuery, crewMember: string): Promise<CandidatesAnswer>;
}

/** Handover and time limits remove a card session's data from the tablet. */
export interface SessionPurge {
  purgeSession(subject: string): number;
}

export interface RetryTimer {
  /** Calls `fn` after `ms` unless the returned cancel is called first. */
  after(ms: number, fn: () => void): () => void;
}

export interface CardSessionOptions {
  readonly reader: Pick<ReaderService, 'identify' | 'pinTries' | 'on' | 'off'>;
  readonly records: SummarySource;
  readonly candidates: CandidateSource;
  readonly cache: SessionPurge;
  readonly feed: Pick<AmbulanceFeed, 'submitReport' | 'update' | 'cancel' | 'report' | 'on'>;
  /** The opaque card-session id for a certificate serial (a keyed hash; stable within a run). */
  readonly subjectOf: (serial: string) => string;
  readonly newTap: () => string;
  readonly clock: Clock;
  readonly timer: RetryTimer;
  /** How long after upstream trouble the records request is tried again in the background. */
  readonly retryEveryMs: number;
  readonly logger: Logger;
}

export interface CardSessionEvents {
  /** The session or one of its reports changed: the tablet's panels refresh. */
  changed: [];
  /** The card holder's identity was confirmed (a milestone the dispatch centre records). */
  identified: [];
  /** A records request of this patient ended: what was merged into its summary is merged again. */
  records: [tap: string];
}

export type ActionResult = Result<void, Notice>;

/** Patients one tablet holds at once (a multi-casualty scene); more waits for a handover. */
export const MAX_PATIENTS = 8;

/** The report a send made, or (`repeated`) the one its form key had already made: nothing was sent. */
export interface SentReportId {
  readonly reportId: string;
  readonly repeated: boolean;
}

/**
 * The tablet's patient sessions (issue 13): each patient, started by a card tap or by the crew
 * without a card, has its own session (card inserted → reading → identity → consent → records →
 * summary, or "unknown patient"), its own reports through the hospital feed, and its own handover →
 * purge. The crew works on one at a time (`current`); every form names its patient and is refused
 * unless that patient is the one on screen, and every answer that arrives later (a records fetch, a
 * report state) lands in the session it was asked for, so one patient's data never shows under another.
 */
export class CardSessionService extends EventEmitter<CardSessionEvents> {
  readonly #o: CardSessionOptions;
  /** In the order they were started. */
  readonly #sessions = new Map<string, CardSession>();
  #current: string | undefined;
  /** The session of the card on the reader: card events and reads belong to it only. */
  #cardTap: string | undefined;
  #numbered = 0;
  readonly #cancelRetry = new Map<string, () => void>();
  /** Subjects of reports still open, so a handover from the hospital purges the right session. */
  readonly #subjectOfReport = new Map<string, string>();
  /** The unknown patient that was on screen when the card on the reader came (the card may join it). */
  #cameOver: { readonly card: string; readonly patient: string } | undefined;

  constructor(options: CardSessionOptions) {
    super();
    this.#o = options;
    options.reader.on('card-inserted', () => this.cardInserted());
    options.reader.on('card-removed', () => this.#apply(this.#cardTap, { type: 'card-removed' }));
    options.feed.on('report', (view) => this.#onReport(view));
  }

  /** The patient on screen. */
  get current(): CardSession | undefined {
    return this.#current === undefined ? undefined : this.#sessions.get(this.#current);
  }

  /** Every patient on this tablet, in the order they were started. */
  get patients(): readonly CardSession[] {
    return [...this.#sessions.values()];
  }

  reportView(reportId: string): ReportView | undefined {
    return this.#o.feed.report(reportId);
  }

  /**
   * A new card: a new patient, on screen; the other patients keep their sessions. A previous card
   * session that never identified anyone holds no patient data and ends here.
   */
  cardInserted(): void {
    for (const s of this.#sessions.values())
      if (s.origin === 'card' && s.identity === undefined && s.reports.length === 0) this.#remove(s);
    if (this.#sessions.size >= MAX_PATIENTS) {
      this.note(NOTICES.tooManyPatients);
      return;
    }
    const tap = this.#o.newTap();
    const before = this.current;
    this.#numbered += 1;
    this.#sessions.set(tap, newSession(tap, this.#numbered));
    this.#cameOver = before?.origin === 'crew' ? { card: tap, patient: before.tap } : undefined;
    this.#current = tap;
    this.#cardTap = tap;
    this.#changed();
    void this.#o.reader.pinTries().then((tries) => {
      if (tries.ok) this.#apply(tap, { type: 'pin-tries', tries: tries.value });
    });
  }

  /** The crew starts a patient without a card ("unknown patient"), on what they can tell. */
  startUnknown(description: PatientDescription): Result<string, Notice> {
    if (this.#sessions.size >= MAX_PATIENTS) return this.#refuse(NOTICES.tooManyPatients);
    const tap = this.#o.newTap();
    this.#numbered += 1;
    this.#sessions.set(tap, newUnknownPatient(tap, this.#numbered, description));
    this.#current = tap;
    this.#changed();
    return ok(tap);
  }

  /** Puts another patient on screen. Nothing is discarded: each patient keeps its own session. */
  select(tap: string): ActionResult {
    if (!this.#sessions.has(tap)) return err(NOTICES.stale);
    this.#current = tap;
    this.#changed();
    return ok(undefined);
  }

  /**
   * Removes a patient without a handover (started by mistake, or the patient went elsewhere). A patient
   * with nothing sent yet is discarded only once the crew confirms: until then the session says so.
   */
  discard(tap: string, confirmed: boolean): Result<number, Notice> {
    const s = this.#check(tap);
    if (!s.ok) return s;
    if (hasUnsent(s.value) && !confirmed) return this.#refuse(NOTICES.confirmDiscard);
    const purged = this.#remove(s.value);
    this.#o.logger.info('patient session discarded', { purged });
    return ok(purged);
  }

  /**
   * The unknown patient the card on screen may be attached to: the one on screen when it was tapped,
   * while the card has identified nobody yet.
   */
  attachTarget(tap: string): CardSession | undefined {
    const card = this.#sessions.get(tap);
    const over = this.#cameOver;
    if (over?.card !== tap || card === undefined) return undefined;
    if (card.identity !== undefined || !mayIdentify(card.phase)) return undefined;
    return this.#sessions.get(over.patient);
  }

  /**
   * The crew attaches the card on the reader to the unknown patient they were working on (issue 13):
   * that patient's session reads the card from here on (identity, consent and summary from the card),
   * and the card's own empty session ends. Refused, with the reason shown, when that patient is already
   * identified (by a lookup or another card): two identities are never merged.
   */
  attachCard(cardTap: string, patientTap: string): ActionResult {
    const card = this.#check(cardTap);
    if (!card.ok) return card;
    const target = this.attachTarget(cardTap);
    if (target?.tap !== patientTap) return this.#refuse(NOTICES.notNow);
    if (target.candidate !== undefined || target.identity !== undefined)
      return this.#refuse(NOTICES.identityConflict);
    const joined: CardSession = {
      ...target,
      phase: card.value.phase,
      pinTries: card.value.pinTries,
      // A lookup left open gives way to the card: nothing typed stays behind.
      lookup: undefined,
      notice: undefined,
    };
    this.#sessions.delete(cardTap);
    this.#sessions.set(target.tap, joined);
    this.#cardTap = target.tap;
    this.#current = target.tap;
    this.#cameOver = undefined;
    this.#changed();
    this.#o.logger.info('card attached to unknown patient');
    return ok(undefined);
  }

  /** Keeps the lookup form as typed, with its field errors (nothing is sent). */
  lookupDraft(tap: string, draft: LookupDraft, errors: FieldErrors): ActionResult {
    const s = this.#check(tap);
    if (!s.ok) return s;
    if (!mayLookUp(s.value)) return this.#refuse(NOTICES.notNow);
    this.#apply(tap, { type: 'lookup-draft', draft, errors });
    return ok(undefined);
  }

  /**
   * Asks the records upstream for candidates (issue 13). The answer lands in this patient's session
   * only, and nothing in it is chosen: the crew confirms one, or none.
   */
  async lookUp(
    tap: string,
    query: LookupQuery,
    draft: LookupDraft,
    crewMember: string,
  ): Promise<Result<CandidatesAnswer, Notice>> {
    const s = this.#check(tap);
    if (!s.ok) return s;
    if (!mayLookUp(s.value)) return this.#refuse(NOTICES.notNow);
    this.#apply(tap, { type: 'lookup-started', draft });
    const answer = await this.#o.candidates.findCandidates(query, crewMember);
    this.#apply(
      tap,
      answer.code === 'ok'
        ? { type: 'lookup-answered', candidates: answer.candidates, complete: answer.complete }
        : { type: 'lookup-failed', failure: answer.failure },
    );
    return ok(answer);
  }

  /** A lookup the tablet itself refused (the crew member's limit): the draft kept, the reason shown. */
  lookupRefused(tap: string, draft: LookupDraft, failure: LookupFailure): ActionResult {
    const s = this.#check(tap);
    if (!s.ok) return s;
    if (!mayLookUp(s.value)) return this.#refuse(NOTICES.notNow);
    this.#apply(tap, { type: 'lookup-started', draft });
    this.#apply(tap, { type: 'lookup-failed', failure });
    return ok(undefined);
  }

  /** "None of these": the patient stays unknown; the form stays filled for another try. */
  noneOfThese(tap: string): ActionResult {
    const s = this.#check(tap);
    if (!s.ok) return s;
    this.#apply(tap, { type: 'lookup-none' });
    return ok(undefined);
  }

  /**
   * The crew's explicit choice of one candidate of the answer on screen (even a single one): the
   * patient is identified by the lookup's method and score, `crewMember` as the one who confirmed;
   * the consent basis comes next, then the summary, as after a card read.
   */
  confirmCandidate(tap: string, ref: string, crewMember: string): Result<CandidateIdentity, Notice> {
    const s = this.#check(tap);
    if (!s.ok) return s;
    const lookup = s.value.lookup;
    const chosen = lookup?.status === 'answered' ? lookup.candidates.find((c) => c.ref === ref) : undefined;
    if (lookup === undefined || chosen === undefined || !mayLookUp(s.value))
      return this.#refuse(NOTICES.stale);
    const candidate: CandidateIdentity = {
      ref: chosen.ref,
      method: lookup.draft.method,
      score: chosen.score,
      confirmedBy: crewMember,
    };
    this.#apply(tap, {
      type: 'candidate-confirmed',
      candidate,
      subject: this.#o.subjectOf(`candidate:${chosen.ref}`),
    });
    this.emit('identified');
    return ok(candidate);
  }

  /** Reads the card: visual confirmation (attester = the logged-in crew member) or the patient's PIN. */
  async identify(tap: string, request: IdentifyRequest): Promise<ActionResult> {
    const s = this.#check(tap);
    if (!s.ok) return s;
    if (tap !== this.#cardTap || !mayIdentify(s.value.phase)) return this.#refuse(NOTICES.notNow);
    if (request.mode === 'pin' && !(s.value.pinTries !== undefined && s.value.pinTries > 1))
      return this.#refuse(NOTICES.notNow);
    this.#apply(tap, { type: 'identify-started', mode: request.mode });
    const onStep = (_reader: string, step: IdentifyStep): void => this.#apply(tap, { type: 'step', step });
    this.#o.reader.on('step', onStep);
    try {
      const result = await this.#o.reader.identify(request);
      if (result.ok) {
        this.#apply(tap, {
          type: 'identified',
          identity: result.value,
          subject: this.#o.subjectOf(result.value.certificateSerial.reveal()),
        });
        if (this.#sessions.get(tap)?.phase.kind === 'identified') this.emit('identified');
      } else this.#apply(tap, { type: 'identify-failed', failure: result.error });
    } finally {
      this.#o.reader.off('step', onStep);
    }
    return ok(undefined);
  }

  /**
   * Records the consent basis and, unless refused, starts the records request. Returns once the first
   * answer is in; upstream trouble is then retried in the background until the session ends.
   */
  async consent(tap: string, consent: ConsentBasis, crewMember: string): Promise<ActionResult> {
    const s = this.#check(tap);
    if (!s.ok) return s;
    if (s.value.phase.kind !== 'identified') return this.#refuse(NOTICES.notNow);
    this.#apply(tap, { type: 'consent', consent });
    await this.#fetch(tap, crewMember);
    return ok(undefined);
  }

  /** Asks the records service again now (the crew's "retry" after upstream trouble). */
  async retry(tap: string, crewMember: string): Promise<ActionResult> {
    const s = this.#check(tap);
    if (!s.ok) return s;
    if (!mayFetch(s.value.phase) || s.value.consent === undefined) return this.#refuse(NOTICES.notNow);
    await this.#fetch(tap, crewMember);
    return ok(undefined);
  }

  /**
   * Sends the report to `hospitalId`, or an update when the latest report already went there. A form
   * key already used (a re-post racing the first) returns its report and changes nothing here.
   */
  async sendReport(
    tap: string,
    hospitalId: string,
    input: ReportInput,
    formKey?: string,
  ): Promise<Result<SentReportId, Notice>> {
    const s = this.#check(tap);
    if (!s.ok) return s;
    const latest = latestReport(s.value);
    const open = latest !== undefined && isOpen(this.#o.feed.report(latest.reportId));
    const sent =
      open && latest.hospitalId === hospitalId
        ? await this.#o.feed.update(latest.reportId, input, undefined, formKey)
        : await this.#o.feed.submitReport(hospitalId, input, undefined, formKey);
    if (!sent.ok) return this.#refuse(NOTICES.feedError);
    if (sent.value.repeated === true) return ok({ reportId: sent.value.reportId, repeated: true });
    if (s.value.subject !== undefined) this.#subjectOfReport.set(sent.value.reportId, s.value.subject);
    this.#apply(tap, { type: 'report-sent', report: { reportId: sent.value.reportId, hospitalId, input } });
    return ok({ reportId: sent.value.reportId, repeated: false });
  }

  /** Diversion: cancels the open report at the first hospital and sends the same report to another. */
  async divert(tap: string, hospitalId: string): Promise<Result<SentReportId, Notice>> {
    const s = this.#check(tap);
    if (!s.ok) return s;
    const latest = latestReport(s.value);
    if (latest === undefined || latest.hospitalId === hospitalId) return this.#refuse(NOTICES.notNow);
    if (isOpen(this.#o.feed.report(latest.reportId))) {
      const cancelled = await this.#o.feed.cancel(latest.reportId, 'diversion');
      if (!cancelled.ok) return this.#refuse(NOTICES.feedError);
    }
    return this.sendReport(tap, hospitalId, latest.input);
  }

  /** Cancels the open report (no transport, entered in error): the hospital's board drops it. */
  async cancel(tap: string, reason: 'no-transport' | 'entered-in-error'): Promise<ActionResult> {
    const s = this.#check(tap);
    if (!s.ok) return s;
    const latest = latestReport(s.value);
    if (latest === undefined || !isOpen(this.#o.feed.report(latest.reportId)))
      return this.#refuse(NOTICES.notNow);
    const cancelled = await this.#o.feed.cancel(latest.reportId, reason);
    if (!cancelled.ok) return this.#refuse(NOTICES.feedError);
    this.#changed();
    return ok(undefined);
  }

  /** Tells the crew why a form was not acted on (shown once on the card panel, with the patient on screen). */
  note(notice: Notice): void {
    this.#apply(this.#current, { type: 'notice', notice });
  }

  /**
   * Changes one patient's お薬手帳 scan (techo-service.ts decides how). Any patient of the tablet,
   * not only the one on screen: a merge may finish after the crew moved on. Undefined once the
   * patient is gone (handed over, discarded): then there is nothing to keep it in.
   */
  updateTecho(tap: string, update: (s: CardSession) => TechoState): CardSession | undefined {
    const s = this.#sessions.get(tap);
    if (s === undefined) return undefined;
    this.#apply(tap, { type: 'techo', techo: update(s) });
    return this.#sessions.get(tap);
  }

  /** Handover: the patient's data leaves the tablet (cache purged, session ended). */
  handover(tap: string): Result<number, Notice> {
    const s = this.#check(tap);
    if (!s.ok) return s;
    const purged = this.#remove(s.value);
    this.#o.logger.info('patient session handed over', { purged });
    return ok(purged);
  }

  /** Ends one patient's session: its retry stops, its cached records go, another patient comes on screen. */
  #remove(s: CardSession): number {
    this.#stopRetry(s.tap);
    const purged = s.subject === undefined ? 0 : this.#o.cache.purgeSession(s.subject);
    this.#sessions.delete(s.tap);
    if (this.#cardTap === s.tap) this.#cardTap = undefined;
    if (this.#cameOver?.card === s.tap || this.#cameOver?.patient === s.tap) this.#cameOver = undefined;
    if (this.#current === s.tap) this.#current = [...this.#sessions.keys()].at(-1);
    this.#changed();
    return purged;
  }

  async #fetch(tap: string, crewMember: string): Promise<void> {
    this.#stopRetry(tap);
    const s = this.#sessions.get(tap);
    if (s === undefined || s.subject === undefined || s.consent === undefined) return;
    // The card read, or else the confirmed lookup candidate: the same request, cache and outcomes.
    const identity = s.identity === undefined ? s.candidate : recordsIdentity(s.identity);
    if (identity === undefined) return;
    this.#apply(tap, { type: 'fetch-started' });
    const outcome = await this.#o.records.fetchSummary({
      identity,
      consent: s.consent,
      purpose: 'emergency-care',
      crewMember,
      session: s.subject,
    });
    // The patient may have been handed over meanwhile: then the answer has nowhere to go.
    if (!this.#sessions.has(tap)) return;
    const retrying = retriesInBackground(outcome);
    this.#apply(tap, { type: 'fetched', outcome, retrying });
    this.emit('records', tap);
    if (retrying)
      this.#cancelRetry.set(
        tap,
        this.#o.timer.after(this.#o.retryEveryMs, () => {
          this.#cancelRetry.delete(tap);
          void this.#fetch(tap, crewMember);
        }),
      );
  }

  #onReport(view: ReportView): void {
    if (view.state === 'handed-over') {
      // The hospital confirmed the handover: whatever of this patient is still cached goes now.
      const subject = this.#subjectOfReport.get(view.reportId);
      if (subject !== undefined) this.#o.cache.purgeSession(subject);
      this.#subjectOfReport.delete(view.reportId);
    }
    if (this.patients.some((s) => s.reports.some((r) => r.reportId === view.reportId))) this.#changed();
  }

  /** Forms act on the patient on screen only: a form for another (or an ended) patient is stale. */
  #check(tap: string): Result<CardSession, Notice> {
    const s = this.#sessions.get(tap);
    return s !== undefined && tap === this.#current ? ok(s) : this.#refuse(NOTICES.stale);
  }

  /** A refused form: the crew sees why on the patient on screen (the form was for that patient, or stale). */
  #refuse(notice: Notice): Result<never, Notice> {
    this.note(notice);
    return err(notice);
  }

  #apply(tap: string | undefined, event: SessionEvent): void {
    const s = tap === undefined ? undefined : this.#sessions.get(tap);
    if (s === undefined) return;
    const next = reduce(s, event);
    if (next === s) return;
    this.#sessions.set(s.tap, next);
    this.#changed();
  }

  #stopRetry(tap: string): void {
    this.#cancelRetry.get(tap)?.();
    this.#cancelRetry.delete(tap);
  }

  #changed(): void {
    this.emit('changed');
  }

  close(): void {
    for (const tap of [...this.#cancelRetry.keys()]) this.#stopRetry(tap);
  }
}

const isOpen = (view: ReportView | undefined): boolean =>
  view !== undefined && !['cancelled', 'expired', 'handed-over', 'declined'].includes(view.state);

/** The reader's identity in the records request's shape (the serial and DER leave their Phi wrap here only). */
export const recordsIdentity = (identity: CardIdentity): RecordsCardIdentity => {
  const presence = identity.presence?.reveal();
  const attester = identity.attester;
  let check: RecordsCardIdentity['check'];
  if (identity.mode === 'pin' && presence !== undefined)
    check = { mode: 'pin', challenge: presence.challenge, challengeSignature: presence.signature };
  else if (identity.mode === 'visual' && attester !== undefined) check = { mode: 'visual', attester };
  // The reader sets both for its mode; anything else is a bug, not a patient to fetch records for.
  else throw new Error(`a ${identity.mode} identity without its proof`);
  return {
    certificate: identity.certificateDer.reveal(),
    certificateSerial: identity.certificateSerial.reveal(),
    check,
  };
};
