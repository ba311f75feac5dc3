export {
  SECTION_KEYS,
  UnavailableReason,
  type SectionKey,
  type Section,
  type Allergy,
  type AllergyCategory,
  type Criticality,
  type Medication,
  type Condition,
  type Procedure,
  type CheckupResult,
  type Insurance,
  type PatientDetails,
  type CriticalFlags,
  type EmergencySummary,
} from './summary.js';
export {
  CRITICAL_FLAGS,
  DRUG_CLASS_TABLE,
  ATC_SYSTEM,
  YJ_SYSTEM,
  classifyMedication,
  type CriticalFlag,
  type DrugClassRule,
  type CodeRef,
} from './drug-classes.js';
export { LOINC_SYSTEM, ICD10_SYSTEM } from './fhir-text.js';
export { parseIpsBundle, parseIpsBytes } from './ips-parser.js';
