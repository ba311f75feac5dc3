import { err, ok, type Result } from '../../core/index.js';
import { NOTICES, reduce, type CardSession, type Notice, type SessionEvent } from './state.js';

/** Patients one tablet holds at once (a multi-casualty scene); more waits for a handover. */
export const MAX_PATIENTS = 8;

export type ActionResult = Result<void, Notice>;

/** Handover and time limits remove a card session's data from the tablet. */
export interface SessionPurge {
  purgeSession(subject: string): number;
}

export interface PatientRosterOptions {
  readonly newTap: () => string;
  readonly cache: SessionPurge;
  /** A session was added, changed or removed: the tablet's panels refresh. */
  readonly changed: () => void;
  /** A session ended: what is kept beside it (the card on the reader, a background retry) goes too. */
  readonly removed: (tap: string) => void;
}

/**
 * The tablet's patient sessions (issue 13) and the one on screen. The crew works on one at a time
 * (`current`); every form names its patient and is refused (`check`) unless that patient is the one on
 * screen, and every answer that arrives later (a records fetch, a report state) is applied to the
 * session it was asked for, or dropped once that session has ended, so one patient's data never shows
 * under another.
 */
export class PatientRoster {
  readonly #o: PatientRosterOptions;
  /** In the order they were started. */
  readonly #sessions = new Map<string, CardSession>();
  #current: string | undefined;
  #numbered = 0;

  constructor(options: PatientRosterOptions) {
    this.#o = options;
  }

  /** The patient on screen. */
  get current(): CardSession | undefined {
    return this.#current === undefined ? undefined : this.#sessions.get(this.#current);
  }

  /** Every patient on this tablet, in the order they were started. */
  get patients(): readonly CardSession[] {
    return [...this.#sessions.values()];
  }

  /** Any patient of the tablet, on screen or not (undefined once ended). */
  get(tap: string): CardSession | undefined {
    return this.#sessions.get(tap);
  }

  /** A new patient, numbered and on screen; refused once the tablet holds `MAX_PATIENTS`. */
  add(make: (tap: string, number: number) => CardSession): Result<CardSession, Notice> {
    if (this.#sessions.size >= MAX_PATIENTS) return this.refuse(NOTICES.tooManyPatients);
    this.#numbered += 1;
    const s = make(this.#o.newTap(), this.#numbered);
    this.#sessions.set(s.tap, s);
    this.#current = s.tap;
    this.#o.changed();
    return ok(s);
  }

  /** Puts another patient on screen. Nothing is discarded: each patient keeps its own session. */
  select(tap: string): ActionResult {
    if (!this.#sessions.has(tap)) return err(NOTICES.stale);
    this.#current = tap;
    this.#o.changed();
    return ok(undefined);
  }

  /**
   * `joined` takes the place of its own earlier session (keeping its number and position) and of
   * `gone`'s, and comes on screen: a card attached to an unknown patient. Nothing is purged: `gone`
   * had identified nobody.
   */
  merge(gone: string, joined: CardSession): void {
    this.#sessions.delete(gone);
    this.#sessions.set(joined.tap, joined);
    this.#current = joined.tap;
    this.#o.changed();
  }

  /** Ends one patient's session: its cached records go, another patient comes on screen. */
  remove(s: CardSession): number {
    this.#o.removed(s.tap);
    const purged = s.subject === undefined ? 0 : this.#o.cache.purgeSession(s.subject);
    this.#sessions.delete(s.tap);
    if (this.#current === s.tap) this.#current = [...this.#sessions.keys()].at(-1);
    this.#o.changed();
    return purged;
  }

  /** Forms act on the patient on screen only: a form for another (or an ended) patient is stale. */
  check(tap: string): Result<CardSession, Notice> {
    const s = this.#sessions.get(tap);
    return s !== undefined && tap === this.#current ? ok(s) : this.refuse(NOTICES.stale);
  }

  /** A refused form: the crew sees why on the patient on screen (the form was for that patient, or stale). */
  refuse(notice: Notice): Result<never, Notice> {
    this.note(notice);
    return err(notice);
  }

  /** Tells the crew why a form was not acted on (shown once on the card panel, with the patient on screen). */
  note(notice: Notice): void {
    this.apply(this.#current, { type: 'notice', notice });
  }

  /** One event of one session's state machine (`reduce`); nothing once that session has ended. */
  apply(tap: string | undefined, event: SessionEvent): void {
    const s = tap === undefined ? undefined : this.#sessions.get(tap);
    if (s === undefined) return;
    const next = reduce(s, event);
    if (next === s) return;
    this.#sessions.set(s.tap, next);
    this.#o.changed();
  }
}
