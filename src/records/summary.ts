import type { Phi } from '../log/index.js';
import type { CriticalFlag } from './drug-classes.js';

/** The summary's sections, in the order the crew sees them (allergies first). */
export const SECTION_KEYS = [
  'allergies',
  'medications',
  'conditions',
  'procedures',
  'results',
  'insurance',
] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];

/** Why a section cannot be shown. Never "no data": that is the `none-known` status. */
export const UnavailableReason = {
  /** Not JSON, or not a FHIR Bundle of type document. */
  bundleUnreadable: 'bundle-unreadable',
  /** The Bundle has no readable Composition, and no resources of the section's kinds either. */
  compositionMissing: 'composition-missing',
  /** The Composition has no section with this LOINC code. */
  sectionMissing: 'section-missing',
  /** The section has neither entries nor Composition.section.emptyReason. */
  noEntries: 'no-entries',
  /** Every entry of the section was missing from the Bundle or unreadable. */
  entriesUnreadable: 'entries-unreadable',
  /** emptyReason `withheld` (list-empty-reason). */
  withheld: 'withheld',
  /** emptyReason `notasked`, `notstarted`, `unavailable` or `closed`, or an IPS "no … info" entry. */
  notRecorded: 'not-recorded',
} as const;
export type UnavailableReason = (typeof UnavailableReason)[keyof typeof UnavailableReason];

/**
 * One section. `available` lists what could be read (`unreadable` counts the entries that could not:
 * more than zero means the section is partial); `none-known` means the source says there is nothing
 * (emptyReason `nilknown`, or an IPS "no known …" entry); `unavailable` means we cannot tell.
 */
export type Section<T> =
  | {
      readonly status: 'available';
      readonly items: readonly T[];
      readonly unreadable: number;
      /** Date of the newest record in the section (freshness), when any record is dated. */
      readonly newest: string | undefined;
    }
  | { readonly status: 'none-known' }
  | { readonly status: 'unavailable'; readonly reason: UnavailableReason };

export type AllergyCategory = 'food' | 'medication' | 'environment' | 'biologic' | 'unknown';
export type Criticality = 'high' | 'low' | 'unable-to-assess' | 'unknown';

export interface Allergy {
  readonly substance: string;
  readonly category: AllergyCategory;
  readonly criticality: Criticality;
  readonly reactions: readonly string[];
  /** recordedDate, else onset[x]. */
  readonly recorded: string | undefined;
  /** Who recorded or asserted it (recorder / asserter display). */
  readonly source: string | undefined;
}

export interface Medication {
  /** Japanese name: the YJ coding's display, else a `ja` translation, else CodeableConcept.text when Japanese. */
  readonly japaneseName: string | undefined;
  /** Generic (INN) name: the ATC coding's display, else another display or the text. */
  readonly genericName: string;
  readonly dose: string | undefined;
  /** The date the medication was last dispensed or asserted (see docs/records.md for the rule). */
  readonly lastDispensed: string | undefined;
  readonly source: string | undefined;
  readonly flags: readonly CriticalFlag[];
}

export interface Condition {
  readonly name: string;
  readonly icd10: string | undefined;
  readonly clinicalStatus: string | undefined;
  readonly onset: string | undefined;
  readonly recorded: string | undefined;
}

export interface Procedure {
  readonly name: string;
  readonly performed: string | undefined;
}

export interface CheckupResult {
  readonly name: string;
  readonly loinc: string | undefined;
  /** Value with its unit as text, e.g. `7.1 %`. */
  readonly value: string;
  readonly effective: string | undefined;
}

export interface Insurance {
  /** Coverage.status: active, cancelled, draft, entered-in-error. */
  readonly status: string;
  readonly eligible: boolean;
  readonly kind: string | undefined;
  readonly insurer: string | undefined;
  readonly periodEnd: string | undefined;
}

export interface PatientDetails {
  readonly name: string | undefined;
  readonly birthDate: string | undefined;
  readonly gender: string | undefined;
}

export interface CriticalFlags {
  /** `complete` only when the medication section was read whole; otherwise a flag may be missing. */
  readonly status: 'complete' | 'partial' | 'unavailable';
  readonly flags: readonly CriticalFlag[];
}

export interface EmergencySummary {
  /** Identifying values stay wrapped: they print and log as `[redacted]`. */
  readonly patient: Phi<PatientDetails>;
  /** Composition.date. */
  readonly composedAt: string | undefined;
  readonly allergies: Section<Allergy>;
  readonly medications: Section<Medication>;
  readonly criticalFlags: CriticalFlags;
  readonly conditions: Section<Condition>;
  readonly procedures: Section<Procedure>;
  readonly results: Section<CheckupResult>;
  readonly insurance: Section<Insurance>;
}
