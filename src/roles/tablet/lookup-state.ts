import { confirmCandidate, type Candidate, type CandidateIdentity } from '../../records/index.js';
import type { FieldErrors, LookupDraft } from './lookup-form.js';

/**
 * An unknown patient's card-less lookup (issue 13) as pure data: the crew's draft (kept, so an error
 * never loses what was typed), the answer's candidates, and nothing chosen until the crew confirms
 * one. Lives in the patient's session and goes with it (handover, discard).
 */
export interface LookupState {
  readonly draft: LookupDraft;
  /** Field errors of the last post, shown inline next to each field. */
  readonly errors: FieldErrors;
  readonly status: 'editing' | 'searching' | 'answered' | 'failed';
  /** The last answer's candidates, best first; never one selected. */
  readonly candidates: readonly Candidate[];
  /** False when more people matched than were listed: the crew adds an item. */
  readonly complete: boolean;
  readonly failure: LookupFailure | undefined;
}

/**
 * Why a lookup gave no candidates to choose from, grouped by what the crew does next: `rate-limited`
 * wait (the limit per crew member); `not-offered` use the four items (the FHIR kind has no insurer
 * search); `unavailable` try again later; `failed` call the operator (device or service trouble).
 */
export const LOOKUP_FAILURES = ['rate-limited', 'not-offered', 'unavailable', 'failed'] as const;
export type LookupFailure = (typeof LOOKUP_FAILURES)[number];

export type LookupEvent =
  | { readonly type: 'lookup-draft'; readonly draft: LookupDraft; readonly errors: FieldErrors }
  | { readonly type: 'lookup-started'; readonly draft: LookupDraft }
  | {
      readonly type: 'lookup-answered';
      readonly candidates: readonly Candidate[];
      readonly complete: boolean;
    }
  | { readonly type: 'lookup-failed'; readonly failure: LookupFailure }
  /** "None of these": the patient stays unknown; the draft stays for another try. */
  | { readonly type: 'lookup-none' };

const fresh = (draft: LookupDraft): LookupState => ({
  draft,
  errors: {},
  status: 'editing',
  candidates: [],
  complete: true,
  failure: undefined,
});

/** The lookup's next state; `undefined` stays `undefined` except for a new draft or search. */
export const reduceLookup = (l: LookupState | undefined, e: LookupEvent): LookupState | undefined => {
  switch (e.type) {
    case 'lookup-draft':
      return { ...fresh(e.draft), errors: e.errors };
    case 'lookup-started':
      return { ...fresh(e.draft), status: 'searching' };
    case 'lookup-answered':
      return l?.status === 'searching'
        ? { ...l, status: 'answered', candidates: e.candidates, complete: e.complete }
        : l;
    case 'lookup-failed':
      return l?.status === 'searching' ? { ...l, status: 'failed', failure: e.failure } : l;
    case 'lookup-none':
      return l === undefined ? l : fresh(l.draft);
    default:
      return e satisfies never;
  }
};

/**
 * The crew's explicit choice of one candidate of the answer on screen (even a single one; records'
 * `confirmCandidate`): identified by the lookup's method and the candidate's score, `crewMember` as
 * the one who confirmed. Undefined when `ref` is not among the candidates the crew was shown.
 */
export const chosenCandidate = (
  l: LookupState | undefined,
  ref: string,
  crewMember: string,
): CandidateIdentity | undefined => {
  if (l?.status !== 'answered') return undefined;
  const chosen = confirmCandidate(l.candidates, ref);
  return chosen.ok
    ? { ref: chosen.value.ref, method: l.draft.method, score: chosen.value.score, confirmedBy: crewMember }
    : undefined;
};
