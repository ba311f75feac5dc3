import { EventEmitter } from 'node:events';
import { err, ok, type Clock, type Result } from '../../core/index.js';
import type { AmbulanceFeed, ReportInput, ReportView } from '../../hospital-feed/index.js';
import type { Logger } from '../../log/index.js';
import type { CardIdentity, IdentifyRequest, IdentifyStep, ReaderService } from '../../reader/index.js';
import type { ConsentBasis, SummaryOutcome, SummaryRequest } from '../../records/index.js';
import {
  latestReport,
  mayFetch,
  mayIdentify,
  newSession,
  NOTICES,
  reduce,
  retriesInBackground,
  type CardSession,
  type Notice,
  type SessionEvent,
} from './state.js';

/** The parts of the records client the session uses. */
export interface SummarySource {
  fetchSummary(request: SummaryRequest): Promise<SummaryOutcome>;
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
}

export type ActionResult = Result<void, Notice>;

/**
 * The tablet's card session: card inserted → reading → identity → consent → records → summary, then
 * reports through the hospital feed, and handover → purge. One session at a time: a new card ends the
 * previous session's view, and results that arrive for an ended session are dropped, so one
 * patient's data never shows under another's identity.
 */
export class CardSessionService extends EventEmitter<CardSessionEvents> {
  readonly #o: CardSessionOptions;
  #session: CardSession | undefined;
  #cancelRetry: (() => void) | undefined;
  /** Subjects of reports still open, so a handover from the hospital purges the right session. */
  readonly #subjectOfReport = new Map<string, string>();

  constructor(options: CardSessionOptions) {
    super();
    this.#o = options;
    options.reader.on('card-inserted', () => this.cardInserted());
    options.reader.on('card-removed', () => this.#apply(this.#session?.tap, { type: 'card-removed' }));
    options.feed.on('report', (view) => this.#onReport(view));
  }

  get current(): CardSession | undefined {
    return this.#session;
  }

  reportView(reportId: string): ReportView | undefined {
    return this.#o.feed.report(reportId);
  }

  /** A new card: a new session; the previous one's view ends here. */
  cardInserted(): void {
    this.#stopRetry();
    const tap = this.#o.newTap();
    this.#session = newSession(tap);
    this.#changed();
    void this.#o.reader.pinTries().then((tries) => {
      if (tries.ok) this.#apply(tap, { type: 'pin-tries', tries: tries.value });
    });
  }

  /** Reads the card: visual confirmation (attester = the logged-in crew member) or the patient's PIN. */
  async identify(tap: string, request: IdentifyRequest): Promise<ActionResult> {
    const s = this.#check(tap);
    if (!s.ok) return s;
    if (!mayIdentify(s.value.phase)) return this.#refuse(tap, NOTICES.notNow);
    if (request.mode === 'pin' && !(s.value.pinTries !== undefined && s.value.pinTries > 1))
      return this.#refuse(tap, NOTICES.notNow);
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
        if (this.#session?.tap === tap && this.#session.phase.kind === 'identified') this.emit('identified');
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
    if (s.value.phase.kind !== 'identified') return this.#refuse(tap, NOTICES.notNow);
    this.#apply(tap, { type: 'consent', consent });
    await this.#fetch(tap, crewMember);
    return ok(undefined);
  }

  /** Asks the records service again now (the crew's "retry" after upstream trouble). */
  async retry(tap: string, crewMember: string): Promise<ActionResult> {
    const s = this.#check(tap);
    if (!s.ok) return s;
    if (!mayFetch(s.value.phase) || s.value.consent === undefined) return this.#refuse(tap, NOTICES.notNow);
    await this.#fetch(tap, crewMember);
    return ok(undefined);
  }

  /** Sends the report to `hospitalId`, or an update when the latest report already went there. */
  async sendReport(tap: string, hospitalId: string, input: ReportInput): Promise<Result<string, Notice>> {
    const s = this.#check(tap);
    if (!s.ok) return s;
    const latest = latestReport(s.value);
    const open = latest !== undefined && isOpen(this.#o.feed.report(latest.reportId));
    const sent =
      open && latest.hospitalId === hospitalId
        ? await this.#o.feed.update(latest.reportId, input)
        : await this.#o.feed.submitReport(hospitalId, input);
    if (!sent.ok) return this.#refuse(tap, NOTICES.feedError);
    if (s.value.subject !== undefined) this.#subjectOfReport.set(sent.value.reportId, s.value.subject);
    this.#apply(tap, { type: 'report-sent', report: { reportId: sent.value.reportId, hospitalId, input } });
    return ok(sent.value.reportId);
  }

  /** Diversion: cancels the open report at the first hospital and sends the same report to another. */
  async divert(tap: string, hospitalId: string): Promise<Result<string, Notice>> {
    const s = this.#check(tap);
    if (!s.ok) return s;
    const latest = latestReport(s.value);
    if (latest === undefined || latest.hospitalId === hospitalId) return this.#refuse(tap, NOTICES.notNow);
    if (isOpen(this.#o.feed.report(latest.reportId))) {
      const cancelled = await this.#o.feed.cancel(latest.reportId, 'diversion');
      if (!cancelled.ok) return this.#refuse(tap, NOTICES.feedError);
    }
    return this.sendReport(tap, hospitalId, latest.input);
  }

  /** Tells the crew why a form was not acted on (shown once on the card panel). */
  note(tap: string, notice: Notice): void {
    this.#apply(tap, { type: 'notice', notice });
  }

  /** Handover: the patient's data leaves the tablet (cache purged, view ended). */
  handover(tap: string): Result<number, Notice> {
    const s = this.#check(tap);
    if (!s.ok) return s;
    this.#stopRetry();
    const purged = s.value.subject === undefined ? 0 : this.#o.cache.purgeSession(s.value.subject);
    this.#session = undefined;
    this.#o.logger.info('card session handed over', { purged });
    this.#changed();
    return ok(purged);
  }

  async #fetch(tap: string, crewMember: string): Promise<void> {
    this.#stopRetry();
    const s = this.#session;
    if (s?.tap !== tap || s.identity === undefined || s.subject === undefined || s.consent === undefined)
      return;
    this.#apply(tap, { type: 'fetch-started' });
    const outcome = await this.#o.records.fetchSummary({
      identity: recordsIdentity(s.identity),
      consent: s.consent,
      purpose: 'emergency-care',
      crewMember,
      session: s.subject,
    });
    if (this.#session?.tap !== tap) return;
    const retrying = retriesInBackground(outcome);
    this.#apply(tap, { type: 'fetched', outcome, retrying });
    if (retrying)
      this.#cancelRetry = this.#o.timer.after(this.#o.retryEveryMs, () => {
        this.#cancelRetry = undefined;
        void this.#fetch(tap, crewMember);
      });
  }

  #onReport(view: ReportView): void {
    if (view.state === 'handed-over') {
      // The hospital confirmed the handover: whatever of this patient is still cached goes now.
      const subject = this.#subjectOfReport.get(view.reportId);
      if (subject !== undefined) this.#o.cache.purgeSession(subject);
      this.#subjectOfReport.delete(view.reportId);
    }
    if (this.#session?.reports.some((r) => r.reportId === view.reportId) === true) this.#changed();
  }

  #check(tap: string): Result<CardSession, Notice> {
    const s = this.#session;
    return s?.tap === tap ? ok(s) : err(NOTICES.stale);
  }

  #refuse(tap: string, notice: Notice): Result<never, Notice> {
    this.#apply(tap, { type: 'notice', notice });
    return err(notice);
  }

  #apply(tap: string | undefined, event: SessionEvent): void {
    const s = this.#session;
    if (s === undefined || s.tap !== tap) return;
    const next = reduce(s, event);
    if (next === s) return;
    this.#session = next;
    this.#changed();
  }

  #stopRetry(): void {
    this.#cancelRetry?.();
    this.#cancelRetry = undefined;
  }

  #changed(): void {
    this.emit('changed');
  }

  close(): void {
    this.#stopRetry();
  }
}

const isOpen = (view: ReportView | undefined): boolean =>
  view !== undefined && !['cancelled', 'expired', 'handed-over', 'declined'].includes(view.state);

/** The reader's identity in the records request's shape (the serial and DER leave their Phi wrap here only). */
export const recordsIdentity = (identity: CardIdentity): SummaryRequest['identity'] => {
  const presence = identity.presence?.reveal();
  const attester = identity.attester;
  let check: SummaryRequest['identity']['check'];
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
