import { ok, type Result } from '../../core/index.js';
import type { Candidate, CandidateIdentity, LookupQuery } from '../../records/index.js';
import type { FieldErrors, LookupDraft } from './lookup-form.js';
import { chosenCandidate, type LookupFailure } from './lookup-state.js';
import type { ActionResult, PatientRoster } from './patient-roster.js';
import { mayLookUp, NOTICES, type Notice } from './state.js';

/** What a card-less lookup gave the tablet: candidates (none chosen), or why there are none to choose. */
export type CandidatesAnswer =
  | { readonly code: 'ok'; readonly candidates: readonly Candidate[]; readonly complete: boolean }
  | { readonly code: 'failed'; readonly failure: LookupFailure };

/** The records upstream's card-less lookup (sealed: `RecordsClient.lookup`; FHIR: `findCandidates`). */
export interface CandidateSource {
  findCandidates(query: LookupQuery, crewMember: string): Promise<CandidatesAnswer>;
}

export interface PatientLookupOptions {
  readonly roster: PatientRoster;
  readonly candidates: CandidateSource;
  /** The opaque card-session id (a keyed hash; stable within a run), here of `candidate:<ref>`. */
  readonly subjectOf: (ref: string) => string;
  /** The crew confirmed who the patient is. */
  readonly identified: () => void;
}

/**
 * An unknown patient's card-less lookup (issue 13), on the patient on screen only: the crew's draft
 * (kept as typed), the records upstream's candidates, and the crew's confirmation of one, or none.
 */
export class PatientLookup {
  readonly #o: PatientLookupOptions;

  constructor(options: PatientLookupOptions) {
    this.#o = options;
  }

  /** Keeps the lookup form as typed, with its field errors (nothing is sent). */
  draft(tap: string, draft: LookupDraft, errors: FieldErrors): ActionResult {
    const roster = this.#o.roster;
    const s = roster.check(tap);
    if (!s.ok) return s;
    if (!mayLookUp(s.value)) return roster.refuse(NOTICES.notNow);
    roster.apply(tap, { type: 'lookup-draft', draft, errors });
    return ok(undefined);
  }

  /**
   * Asks the records upstream for candidates. The answer lands in this patient's session only, and
   * nothing in it is chosen: the crew confirms one, or none.
   */
  async search(
    tap: string,
    query: LookupQuery,
    draft: LookupDraft,
    crewMember: string,
  ): Promise<Result<CandidatesAnswer, Notice>> {
    const roster = this.#o.roster;
    const s = roster.check(tap);
    if (!s.ok) return s;
    if (!mayLookUp(s.value)) return roster.refuse(NOTICES.notNow);
    roster.apply(tap, { type: 'lookup-started', draft });
    const answer = await this.#o.candidates.findCandidates(query, crewMember);
    roster.apply(
      tap,
      answer.code === 'ok'
        ? { type: 'lookup-answered', candidates: answer.candidates, complete: answer.complete }
        : { type: 'lookup-failed', failure: answer.failure },
    );
    return ok(answer);
  }

  /** A lookup the tablet itself refused (the crew member's limit): the draft kept, the reason shown. */
  refused(tap: string, draft: LookupDraft, failure: LookupFailure): ActionResult {
    const roster = this.#o.roster;
    const s = roster.check(tap);
    if (!s.ok) return s;
    if (!mayLookUp(s.value)) return roster.refuse(NOTICES.notNow);
    roster.apply(tap, { type: 'lookup-started', draft });
    roster.apply(tap, { type: 'lookup-failed', failure });
    return ok(undefined);
  }

  /** "None of these": the patient stays unknown; the form stays filled for another try. */
  none(tap: string): ActionResult {
    const s = this.#o.roster.check(tap);
    if (!s.ok) return s;
    this.#o.roster.apply(tap, { type: 'lookup-none' });
    return ok(undefined);
  }

  /**
   * The crew's choice of one candidate of the answer on screen (`chosenCandidate`): the patient is
   * identified; the consent basis comes next, then the summary, as after a card read.
   */
  confirm(tap: string, ref: string, crewMember: string): Result<CandidateIdentity, Notice> {
    const roster = this.#o.roster;
    const s = roster.check(tap);
    if (!s.ok) return s;
    const candidate = chosenCandidate(s.value.lookup, ref, crewMember);
    if (candidate === undefined || !mayLookUp(s.value)) return roster.refuse(NOTICES.stale);
    roster.apply(tap, {
      type: 'candidate-confirmed',
      candidate,
      subject: this.#o.subjectOf(`candidate:${candidate.ref}`),
    });
    this.#o.identified();
    return ok(candidate);
  }
}
