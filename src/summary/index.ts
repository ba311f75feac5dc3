/**
 * The emergency summary's model: its sections and items, the critical medication flags and how the
 * patient was identified. records/ reads sources into it; the feed carries it and the ER and dispatch
 * show it. A folder of its own so those parts need not load records/ (the FHIR parser, the records
 * client, the お薬手帳 reader) for a type and a few word lists (issue 16, docs/decisions.md).
 */
export {
  SECTION_KEYS,
  UNAVAILABLE_REASONS,
  NO_KNOWN,
  INPUT_ERRORS,
  itemsOf,
  type SectionKey,
  type UnavailableReason,
  type NoKnown,
  type Section,
  type SectionItems,
  type Provenance,
  type Code,
  type Allergy,
  type AllergyCategory,
  type Criticality,
  type Severity,
  type Contraindication,
  type Medication,
  type ClinicalStatus,
  type Condition,
  type Procedure,
  type Device,
  type Directive,
  type Pregnancy,
  type Result,
  type Insurance,
  type PatientDetails,
  type CriticalFlags,
  type InputError,
  type InputReport,
  type EmergencySummary,
} from './summary.js';
export {
  ASSURANCE_METHODS,
  ASSURANCE_CODE,
  STRONG_MATCH,
  statedAssurance,
  assuranceStrength,
  assuranceCode,
  fhirAssuranceLevel,
  type AssuranceMethod,
  type IdentityAssurance,
  type StatedAssurance,
} from './assurance.js';
export { CRITICAL_FLAGS, type CriticalFlag } from './critical-flags.js';
