import { EventEmitter } from 'node:events';
import { ok, type Result } from '../../core/index.js';
import type { Logger } from '../../log/index.js';
import { CardReading, type CardReader } from './card-reading.js';
import { PatientLookup, type CandidateSource } from './patient-lookup.js';
import { PatientReports, type ReportFeed } from './patient-reports.js';
import { PatientRoster, type ActionResult, type SessionPurge } from './patient-roster.js';
import { RecordsFetch, type RetryTimer, type SummarySource } from './records-fetch.js';
import {
  hasUnsent,
  newUnknownPatient,
  NOTICES,
  type CardSession,
  type Notice,
  type PatientDescription,
} from './state.js';
import type { TechoState } from './techo-scan.js';

export interface CardSessionOptions {
  readonly reader: CardReader;
  readonly records: SummarySource;
  readonly candidates: CandidateSource;
  readonly cache: SessionPurge;
  readonly feed: ReportFeed;
  /** The opaque card-session id for a certificate serial (a keyed hash; stable within a run). */
  readonly subjectOf: (serial: string) => string;
  readonly newTap: () => string;
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

/**
 * The tablet's patient sessions (issue 13): each patient, started by a card tap or by the crew
 * without a card, has its own session (card inserted → reading → identity → consent → records →
 * summary, or "unknown patient" → lookup), its own reports through the hospital feed, and its own
 * handover → purge. The patients and the one on screen are the roster's (patient-roster.ts); the
 * card on the reader (`card`), the card-less lookup (`lookup`), the records request (`records`) and
 * the reports (`reports`) each act on the patient on screen and land their answers in the session
 * they were asked for.
 */
export class CardSessionService extends EventEmitter<CardSessionEvents> {
  readonly #o: CardSessionOptions;
  readonly #roster: PatientRoster;
  readonly card: CardReading;
  readonly lookup: PatientLookup;
  readonly records: RecordsFetch;
  readonly reports: PatientReports;

  constructor(options: CardSessionOptions) {
    super();
    this.#o = options;
    const changed = (): void => void this.emit('changed');
    const identified = (): void => void this.emit('identified');
    const roster = new PatientRoster({
      newTap: options.newTap,
      cache: options.cache,
      changed,
      removed: (tap) => {
        this.records.stop(tap);
        this.card.forget(tap);
      },
    });
    this.#roster = roster;
    const { reader, subjectOf, logger } = options;
    this.card = new CardReading({ roster, reader, subjectOf, identified, logger });
    this.lookup = new PatientLookup({ roster, candidates: options.candidates, subjectOf, identified });
    this.records = new RecordsFetch({
      roster,
      records: options.records,
      timer: options.timer,
      retryEveryMs: options.retryEveryMs,
      fetched: (tap) => void this.emit('records', tap),
    });
    this.reports = new PatientReports({ roster, feed: options.feed, cache: options.cache, changed });
  }

  /** The patient on screen. */
  get current(): CardSession | undefined {
    return this.#roster.current;
  }

  /** Every patient on this tablet, in the order they were started. */
  get patients(): readonly CardSession[] {
    return this.#roster.patients;
  }

  /** The crew starts a patient without a card ("unknown patient"), on what they can tell. */
  startUnknown(description: PatientDescription): Result<string, Notice> {
    const added = this.#roster.add((tap, number) => newUnknownPatient(tap, number, description));
    return added.ok ? ok(added.value.tap) : added;
  }

  /** Puts another patient on screen. Nothing is discarded: each patient keeps its own session. */
  select(tap: string): ActionResult {
    return this.#roster.select(tap);
  }

  /**
   * Removes a patient without a handover (started by mistake, or the patient went elsewhere). A patient
   * with nothing sent yet is discarded only once the crew confirms: until then the session says so.
   */
  discard(tap: string, confirmed: boolean): Result<number, Notice> {
    const s = this.#roster.check(tap);
    if (!s.ok) return s;
    if (hasUnsent(s.value) && !confirmed) return this.#roster.refuse(NOTICES.confirmDiscard);
    const purged = this.#roster.remove(s.value);
    this.#o.logger.info('patient session discarded', { purged });
    return ok(purged);
  }

  /** Handover: the patient's data leaves the tablet (cache purged, session ended). */
  handover(tap: string): Result<number, Notice> {
    const s = this.#roster.check(tap);
    if (!s.ok) return s;
    const purged = this.#roster.remove(s.value);
    this.#o.logger.info('patient session handed over', { purged });
    return ok(purged);
  }

  /** Tells the crew why a form was not acted on (shown once on the card panel, with the patient on screen). */
  note(notice: Notice): void {
    this.#roster.note(notice);
  }

  /**
   * Changes one patient's お薬手帳 scan (techo-service.ts decides how). Any patient of the tablet,
   * not only the one on screen: a merge may finish after the crew moved on. Undefined once the
   * patient is gone (handed over, discarded): then there is nothing to keep it in.
   */
  updateTecho(tap: string, update: (s: CardSession) => TechoState): CardSession | undefined {
    const s = this.#roster.get(tap);
    if (s === undefined) return undefined;
    this.#roster.apply(tap, { type: 'techo', techo: update(s) });
    return this.#roster.get(tap);
  }

  close(): void {
    this.records.close();
  }
}
