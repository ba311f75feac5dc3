import type { Phi } from '../log/index.js';
import type { CriticalFlag } from './critical-flags.js';

/**
 * The summary's sections, in the order the crew sees them (allergies and drug contraindications
 * first: what changes emergency care). Binding for the ER side too (CONTRACT-summary §1).
 */
export const SECTION_KEYS = [
  'allergies',
  'contraindications',
  'medications',
  'problems',
  'pastIllness',
  'infections',
  'procedures',
  'devices',
  'advanceDirectives',
  'pregnancy',
  'results',
  'insurance',
] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];

/**
 * Why a section cannot be shown. Never "nothing there": that is the `none-known` status.
 * - `not-sent`: no document sent this section, and no resource of its kinds came either;
 * - `not-recorded`: the section is there but empty (no emptyReason, or `notasked`/`notstarted`/
 *   `unavailable`/`closed`), or holds only an IPS "no information" entry;
 * - `unreadable`: the input (or every entry of the section) could not be read;
 * - `upstream-failed`: the records could not be fetched (set by the tablet, never by the parser);
 * - `withheld`: emptyReason `withheld` (list-empty-reason).
 */
export const UNAVAILABLE_REASONS = [
  'not-sent',
  'not-recorded',
  'unreadable',
  'upstream-failed',
  'withheld',
] as const;
export type UnavailableReason = (typeof UNAVAILABLE_REASONS)[number];

/** A "no known X allergy" statement, kept as data (never an item). */
export const NO_KNOWN = ['any', 'medication', 'food', 'environment'] as const;
export type NoKnown = (typeof NO_KNOWN)[number];

/**
 * One section. `available`: items read whole; `partial`: some entries could not be read (`unreadable`
 * counts them; `items` may be empty); `none-known`: the source says there is nothing (emptyReason
 * `nilknown`, or an explicit "no known …" entry); `unavailable`: we cannot tell, and why.
 * `newest` is the date (FHIR date, date part) of the newest dated item; `sources` names the documents
 * ("document · organisation") the section was read from.
 */
export type Section<T> =
  | {
      readonly status: 'available';
      readonly items: readonly T[];
      readonly newest?: string;
      readonly sources: readonly string[];
      readonly noKnown?: readonly NoKnown[];
    }
  | {
      readonly status: 'partial';
      readonly items: readonly T[];
      readonly unreadable: number;
      readonly newest?: string;
      readonly sources: readonly string[];
      readonly noKnown?: readonly NoKnown[];
    }
  | {
      readonly status: 'none-known';
      readonly newest?: string;
      readonly sources: readonly string[];
      readonly noKnown?: readonly NoKnown[];
    }
  | { readonly status: 'unavailable'; readonly reason: UnavailableReason };

/** Where a fact came from: the source document, its author organisation where given, the item's own date. */
export interface Provenance {
  /** Composition.title, else its type's display, else the Bundle identifier / id. */
  readonly document?: string;
  readonly organisation?: string;
  /** The item's own date (FHIR date/dateTime as received). */
  readonly date?: string;
}

/** A coding exactly as received: the system URI is kept verbatim (YJ under any URI, ICD-10 JP URIs…). */
export interface Code {
  readonly system: string;
  readonly code: string;
  readonly display?: string;
}

interface Item {
  readonly codes: readonly Code[];
  readonly provenance: Provenance;
}

export type AllergyCategory = 'food' | 'medication' | 'environment' | 'biologic' | 'unknown';
export type Criticality = 'high' | 'low' | 'unable-to-assess' | 'unknown';
export type Severity = 'mild' | 'moderate' | 'severe';

export interface Allergy extends Item {
  readonly substance: string;
  readonly category: AllergyCategory;
  readonly criticality: Criticality;
  /** The most severe reaction.severity given. */
  readonly severity?: Severity;
  /** reaction.manifestation text (a nullFlavor manifestation is left out). */
  readonly reactions: readonly string[];
  /** AllergyIntolerance.note and reaction.description / note (JP-CLINS puts the description there). */
  readonly note?: string;
  /** verificationStatus code (unconfirmed, confirmed, presumed…); refuted / entered-in-error are excluded. */
  readonly verification?: string;
}

/** A drug the patient must not be given (薬剤禁忌). */
export interface Contraindication extends Item {
  readonly substance: string;
  readonly note?: string;
}

export interface Medication extends Item {
  /** Japanese name where one is given (YJ / HOT display, a `ja` translation, Japanese text). */
  readonly japaneseName?: string;
  /** Generic (INN) name: the ATC display, else another display, else the text. */
  readonly name: string;
  readonly dose?: string;
  /** Taken now, as far as status, dates and days' supply tell (docs/records.md); unknown → current. */
  readonly current: boolean;
  /** False when the drug classification could not tell its class: the flags may then miss it. */
  readonly classified: boolean;
  readonly flags: readonly CriticalFlag[];
  /** Resource status as received (active, completed, stopped…). */
  readonly status?: string;
}

export type ClinicalStatus = 'active' | 'recurrence' | 'relapse' | 'inactive' | 'remission' | 'resolved';

/** A problem, a past illness or an infection. */
export interface Condition extends Item {
  readonly name: string;
  readonly clinicalStatus?: ClinicalStatus;
  readonly verification?: string;
  readonly onset?: string;
  /** For an infection reported as a test result (JP-CLINS 感染症情報): the result. */
  readonly value?: string;
}

export interface Procedure extends Item {
  readonly name: string;
  readonly performed?: string;
}

export interface Device extends Item {
  readonly name: string;
  readonly status?: string;
}

/** An advance directive (e.g. DNAR) from a Consent, or a directive observation. */
export interface Directive extends Item {
  readonly text: string;
  readonly status?: string;
}

export interface Pregnancy extends Item {
  readonly text: string;
}

export interface Result extends Item {
  readonly name: string;
  /** Value with its unit as text, e.g. `7.1 %`. */
  readonly value: string;
}

export interface Insurance extends Item {
  /** Coverage.status: active, cancelled, draft. */
  readonly status: string;
  readonly eligible: boolean;
  readonly kind?: string;
  readonly insurer?: string;
  readonly periodEnd?: string;
}

export interface PatientDetails {
  readonly name: string | undefined;
  readonly birthDate: string | undefined;
  readonly gender: string | undefined;
}

export interface CriticalFlags {
  /**
   * complete: every current medication classified and the section whole (or none known);
   * incomplete: `unclassified` > 0 or the medication section is partial;
   * unavailable: the medication section is unavailable.
   */
  readonly status: 'complete' | 'incomplete' | 'unavailable';
  readonly flags: readonly CriticalFlag[];
  /** Current medications that could not be classified. */
  readonly unclassified: number;
}

/** Why one input could not be read at all. */
export const INPUT_ERRORS = [
  'not-json',
  'not-a-resource',
  'not-a-bundle',
  'bundle-type-unsupported',
  'other-patient',
] as const;
export type InputError = (typeof INPUT_ERRORS)[number];

export interface InputReport {
  /** Position of the input in the call. */
  readonly index: number;
  readonly error: InputError;
}

export interface EmergencySummary {
  /** Identifying values stay wrapped: they print and log as `[redacted]`. */
  readonly patient: Phi<PatientDetails>;
  /** The newest Composition.date / Bundle.timestamp of the inputs read. */
  readonly composedAt: string | undefined;
  /** The documents read ("document · organisation"), in a stable order. */
  readonly documents: readonly string[];
  /** Inputs that could not be read (their sections count them: see docs/records.md). */
  readonly rejected: readonly InputReport[];
  readonly allergies: Section<Allergy>;
  readonly contraindications: Section<Contraindication>;
  readonly medications: Section<Medication>;
  readonly criticalFlags: CriticalFlags;
  readonly problems: Section<Condition>;
  readonly pastIllness: Section<Condition>;
  readonly infections: Section<Condition>;
  readonly procedures: Section<Procedure>;
  readonly devices: Section<Device>;
  readonly advanceDirectives: Section<Directive>;
  readonly pregnancy: Section<Pregnancy>;
  readonly results: Section<Result>;
  readonly insurance: Section<Insurance>;
}

/** The item type of each section. */
export interface SectionItems {
  readonly allergies: Allergy;
  readonly contraindications: Contraindication;
  readonly medications: Medication;
  readonly problems: Condition;
  readonly pastIllness: Condition;
  readonly infections: Condition;
  readonly procedures: Procedure;
  readonly devices: Device;
  readonly advanceDirectives: Directive;
  readonly pregnancy: Pregnancy;
  readonly results: Result;
  readonly insurance: Insurance;
}

/** The items of a section whatever its status (none for none-known / unavailable). */
export const itemsOf = <T>(section: Section<T>): readonly T[] =>
  section.status === 'available' || section.status === 'partial' ? section.items : [];
