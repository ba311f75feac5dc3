import { err, ok, type Result } from '../../core/index.js';
import type { CrewState, ReportInput, ReportView } from '../../hospital-feed/index.js';
import type { CardIdentity, IdentifyFailure, IdentifyStep } from '../../reader/index.js';
import {
  confirmCandidate,
  type CandidateIdentity,
  type ConsentBasis,
  type SummaryOutcome,
} from '../../records/index.js';
import { type EmergencySummary, type IdentityAssurance } from '../../summary/index.js';
import { reduceLookup, type LookupEvent, type LookupState } from './lookup-state.js';
import { NO_TECHO, type TechoState } from './techo-scan.js';

/**
 * The patient session as pure data: one patient, from a card tap (or the crew's "new patient without
 * card") to handover. `reduce` is the whole
 * state machine (docs/architecture.md draws it); the service around it only does the I/O.
 */
export type Phase =
  /** Started by the crew without a card (issue 13): an unknown patient, reported on what the crew knows. */
  | { readonly kind: 'unidentified' }
  /** A card is on the reader: choose how to confirm identity. */
  | { readonly kind: 'card-present' }
  | { readonly kind: 'reading'; readonly mode: 'visual' | 'pin'; readonly step: IdentifyStep | 'starting' }
  /** The card could not identify the patient; `failure.next` says what the crew does now. */
  | { readonly kind: 'read-failed'; readonly failure: IdentifyFailure }
  /** The card left the reader before it was identified: tap again. */
  | { readonly kind: 'removed' }
  /** Identity confirmed: record the consent basis. */
  | { readonly kind: 'identified' }
  | { readonly kind: 'fetching' }
  /** The records request ended (summary, refusal, upstream trouble, or consent refused). */
  | { readonly kind: 'records'; readonly outcome: SummaryOutcome };

/** Why an action on the tablet was not taken (shown once on the card panel). */
export const NOTICES = {
  /** The form belonged to an earlier card: a new card has replaced it. */
  stale: 'stale',
  /** The action does not fit the session's phase (e.g. consent before identity). */
  notNow: 'not-now',
  /** The hospital feed could not store the report; nothing was sent. */
  feedError: 'feed-error',
  /** The destination is not a hospital in the key directory. */
  unknownHospital: 'unknown-hospital',
  /** A report value is out of range; nothing was sent. */
  invalidReport: 'invalid-report',
  /** This patient has nothing sent yet: discarding needs the crew's confirmation. */
  confirmDiscard: 'confirm-discard',
  /** The tablet holds as many patients as it may: hand one over (or discard it) first. */
  tooManyPatients: 'too-many-patients',
  /**
   * A card was not attached to a patient already identified by a card-less lookup: two
   * identifications are never merged; the card stays a patient of its own.
   */
  identityConflict: 'identity-conflict',
  /** An update named another hospital than the open report's: changing hospital is the divert action. */
  divertNeeded: 'divert-needed',
  /** Arrival pressed before departure: the departure comes first (the call-to-arrival KPI). */
  departureFirst: 'departure-first',
} as const;
export type Notice = (typeof NOTICES)[keyof typeof NOTICES];

/** A report this session sent; the latest is the one the crew is working on. */
export interface SentReport {
  readonly reportId: string;
  readonly hospitalId: string;
  readonly input: ReportInput;
}

/** Age bands an unknown patient is described by (estimated); `unknown` when the crew cannot tell. */
export const AGE_BANDS = [
  'unknown',
  '0-9',
  '10-19',
  '20-29',
  '30-39',
  '40-49',
  '50-59',
  '60-69',
  '70-79',
  '80-89',
  '90+',
] as const;
export type AgeBand = (typeof AGE_BANDS)[number];
export const SEXES = ['unknown', 'male', 'female'] as const;
export type Sex = (typeof SEXES)[number];

/** What the crew knows of a patient started without a card (bounded vocabulary: no free text). */
export interface PatientDescription {
  readonly ageBand: AgeBand;
  readonly sex: Sex;
}

export interface CardSession {
  /** Opaque id of this patient session: every form carries it, so a form for another patient is refused. */
  readonly tap: string;
  /** The patient's number on this tablet (1, 2, …): how the crew tells casualties apart. */
  readonly number: number;
  /** A card tap, or the crew's "new patient without card". */
  readonly origin: 'card' | 'crew';
  readonly description: PatientDescription | undefined;
  readonly phase: Phase;
  /** Remaining PIN tries, read on insertion without using one. */
  readonly pinTries: number | undefined;
  readonly identity: CardIdentity | undefined;
  /** The lookup candidate the crew confirmed (issue 13): the patient's identity when there is no card. */
  readonly candidate: CandidateIdentity | undefined;
  /** The card-less lookup in progress on an unknown patient. */
  readonly lookup: LookupState | undefined;
  /** Opaque card-session id: the cache key, the audit subject; never derived reversibly from the card. */
  readonly subject: string | undefined;
  readonly consent: ConsentBasis | undefined;
  /** Set while a background retry of the records request is scheduled (upstream down). */
  readonly retrying: boolean;
  readonly reports: readonly SentReport[];
  readonly notice: Notice | undefined;
  /** The お薬手帳 QR scan: collected codes, the preview, what the crew confirmed (techo-scan.ts). */
  readonly techo: TechoState;
}

export type SessionEvent =
  | { readonly type: 'pin-tries'; readonly tries: number }
  | { readonly type: 'identify-started'; readonly mode: 'visual' | 'pin' }
  | { readonly type: 'step'; readonly step: IdentifyStep }
  | { readonly type: 'identified'; readonly identity: CardIdentity; readonly subject: string }
  | { readonly type: 'identify-failed'; readonly failure: IdentifyFailure }
  | { readonly type: 'card-removed' }
  | { readonly type: 'consent'; readonly consent: ConsentBasis }
  | { readonly type: 'fetch-started' }
  | { readonly type: 'fetched'; readonly outcome: SummaryOutcome; readonly retrying: boolean }
  | { readonly type: 'report-sent'; readonly report: SentReport }
  | { readonly type: 'notice'; readonly notice: Notice | undefined }
  | { readonly type: 'techo'; readonly techo: TechoState }
  | LookupEvent
  /** The crew confirmed one candidate of the lookup's answer (never chosen for them). */
  | { readonly type: 'candidate-confirmed'; readonly candidate: CandidateIdentity; readonly subject: string };

export const newSession = (tap: string, number = 1): CardSession => ({
  tap,
  number,
  origin: 'card',
  description: undefined,
  phase: { kind: 'card-present' },
  pinTries: undefined,
  identity: undefined,
  candidate: undefined,
  lookup: undefined,
  subject: undefined,
  consent: undefined,
  retrying: false,
  reports: [],
  notice: undefined,
  techo: NO_TECHO,
});

/** A patient started by the crew without a card: reports go out as "crew-entered". */
export const newUnknownPatient = (
  tap: string,
  number: number,
  description: PatientDescription,
): CardSession => ({
  ...newSession(tap, number),
  origin: 'crew',
  description,
  phase: { kind: 'unidentified' },
});

/** Nothing of this patient has gone to a hospital yet: discarding it loses what the crew gathered. */
export const hasUnsent = (s: CardSession): boolean => s.reports.length === 0;

/** A card session that identified nobody and sent nothing holds no patient data: a new card ends it. */
export const holdsNoPatient = (s: CardSession): boolean =>
  s.origin === 'card' && s.identity === undefined && hasUnsent(s);

/**
 * The unknown patient's session once the card on the reader is attached to it (issue 13): it reads
 * the card from here on (the card session's phase and PIN tries). Refused when the patient is already
 * identified (by a lookup or another card): two identities are never merged.
 */
export const joinCard = (patient: CardSession, card: CardSession): Result<CardSession, Notice> =>
  patient.candidate !== undefined || patient.identity !== undefined
    ? err(NOTICES.identityConflict)
    : ok({
        ...patient,
        phase: card.phase,
        pinTries: card.pinTries,
        // A lookup left open gives way to the card: nothing typed stays behind.
        lookup: undefined,
        notice: undefined,
      });

/** Whether the card may be (re)read now: a new card, or a read that asks for another try. */
export const mayIdentify = (phase: Phase): boolean => {
  switch (phase.kind) {
    case 'card-present':
      return true;
    case 'read-failed':
      return phase.failure.next === 'enter-pin-again' || phase.failure.next === 'use-visual-confirmation';
    case 'unidentified':
    case 'reading':
    case 'removed':
    case 'identified':
    case 'fetching':
    case 'records':
      return false;
    default:
      return phase satisfies never;
  }
};

/** The PIN is offered only while more than one try remains: the last try is never used (jpki.md §3). */
export const pinAllowed = (session: CardSession): boolean =>
  session.pinTries !== undefined && session.pinTries > 1;

/** A records request may be (re)made after identity, or after upstream trouble. */
export const mayFetch = (phase: Phase): boolean =>
  phase.kind === 'identified' ||
  (phase.kind === 'records' &&
    (phase.outcome.code === 'upstream-unavailable' || phase.outcome.code === 'timeout'));

const transient = (outcome: SummaryOutcome): boolean =>
  outcome.code === 'upstream-unavailable' || outcome.code === 'timeout';

/** Transient outcomes are retried in the background; the crew meanwhile continues by hand. */
export const retriesInBackground = transient;

export const reduce = (s: CardSession, e: SessionEvent): CardSession => {
  switch (e.type) {
    case 'pin-tries':
      return { ...s, pinTries: e.tries };
    case 'identify-started':
      return mayIdentify(s.phase)
        ? { ...s, phase: { kind: 'reading', mode: e.mode, step: 'starting' }, notice: undefined }
        : s;
    case 'step':
      return s.phase.kind === 'reading' ? { ...s, phase: { ...s.phase, step: e.step } } : s;
    case 'identified':
      return s.phase.kind === 'reading'
        ? { ...s, phase: { kind: 'identified' }, identity: e.identity, subject: e.subject }
        : s;
    case 'identify-failed':
      if (s.phase.kind !== 'reading') return s;
      return {
        ...s,
        phase:
          e.failure.code === 'card-removed'
            ? { kind: 'removed' }
            : { kind: 'read-failed', failure: e.failure },
        pinTries: e.failure.pinTriesLeft ?? s.pinTries,
      };
    case 'card-removed':
      // Once identified the card may leave the reader: the session goes on without it.
      return s.phase.kind === 'card-present' || s.phase.kind === 'read-failed'
        ? { ...s, phase: { kind: 'removed' } }
        : s;
    case 'consent':
      return s.phase.kind === 'identified' ? { ...s, consent: e.consent, notice: undefined } : s;
    case 'fetch-started':
      return mayFetch(s.phase) ? { ...s, phase: { kind: 'fetching' } } : s;
    case 'fetched':
      return { ...s, phase: { kind: 'records', outcome: e.outcome }, retrying: e.retrying };
    case 'report-sent':
      return { ...s, reports: [...s.reports, e.report], notice: undefined };
    case 'notice':
      return { ...s, notice: e.notice };
    case 'techo':
      return { ...s, techo: e.techo };
    case 'lookup-draft':
    case 'lookup-started':
    case 'lookup-answered':
    case 'lookup-failed':
    case 'lookup-none':
      return mayLookUp(s) ? { ...s, lookup: reduceLookup(s.lookup, e), notice: undefined } : s;
    case 'candidate-confirmed': {
      // Only a candidate of the answer on screen, and only by the crew's explicit confirmation.
      const offered = s.lookup?.status === 'answered' ? s.lookup.candidates : [];
      if (!mayLookUp(s) || !confirmCandidate(offered, e.candidate.ref).ok) return s;
      return {
        ...s,
        phase: { kind: 'identified' },
        candidate: e.candidate,
        subject: e.subject,
        // What was typed has done its work: it leaves the tablet's memory now.
        lookup: undefined,
        notice: undefined,
      };
    }
    default:
      return e satisfies never;
  }
};

/** A card-less lookup fits an unknown patient not yet identified (no card, no confirmed candidate). */
export const mayLookUp = (s: CardSession): boolean =>
  s.phase.kind === 'unidentified' && s.identity === undefined && s.candidate === undefined;

/** The report the crew is working on (the latest sent). */
export const latestReport = (s: CardSession): SentReport | undefined => s.reports.at(-1);

/** Still going somewhere: not cancelled, expired, handed over or declined (an update may follow). */
export const isOpenState = (state: CrewState): boolean =>
  !['cancelled', 'expired', 'handed-over', 'declined'].includes(state);

/** The latest report while it is still open in the feed (`view`): an update goes to it, a cancel ends it. */
export const openReport = (
  s: CardSession,
  view: (reportId: string) => ReportView | undefined,
): SentReport | undefined => {
  const latest = latestReport(s);
  const state = latest === undefined ? undefined : view(latest.reportId)?.state;
  return state !== undefined && isOpenState(state) ? latest : undefined;
};

/**
 * How this session's patient was identified: the card's PIN proof or the crew's visual check once the
 * reader confirmed it; without a card, the lookup candidate the crew confirmed (its method and score);
 * otherwise only what the crew entered.
 */
export const assuranceOf = (s: CardSession): IdentityAssurance => {
  const id = s.identity;
  if (id?.mode === 'pin' && id.presence !== undefined) return { method: 'card-pin' };
  if (id?.mode === 'visual' && id.attester !== undefined)
    return { method: 'card-visual', attester: id.attester };
  const c = s.candidate;
  if (c !== undefined) return { method: c.method, score: c.score, confirmedBy: c.confirmedBy };
  return { method: 'crew-entered' };
};

/** The summary the crew sees and the report carries, and when it was put together. */
export interface ShownSummary {
  readonly summary: EmergencySummary;
  /** `store`: the records answer came from the summary cache. */
  readonly source: 'upstream' | 'store';
  /** When the records answer was fetched, else when the お薬手帳 was confirmed (clock ms). */
  readonly at: number;
}

/**
 * The records service's answer, or, once the crew confirmed an お薬手帳 QR, that answer merged with it
 * (or the お薬手帳 alone when there is no answer: an unknown patient, consent refused, upstream down).
 */
export const shownSummary = (s: CardSession): ShownSummary | undefined => {
  const outcome = s.phase.kind === 'records' ? s.phase.outcome : undefined;
  const records = outcome?.code === 'ok' ? outcome : undefined;
  const merged = s.techo.merged;
  if (merged !== undefined)
    return {
      summary: merged.summary,
      source: records?.source ?? 'upstream',
      at: records?.fetchedAt ?? merged.at,
    };
  return records === undefined
    ? undefined
    : { summary: records.summary, source: records.source, at: records.fetchedAt };
};
