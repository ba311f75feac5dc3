export {
  SKIP_REASONS,
  TECHO_ERRORS,
  type RecordAuthor,
  type TechoPatient,
  type PatientNoteKind,
  type PatientNote,
  type OtcMedicine,
  type DrugCode,
  type TechoDrug,
  type DosageForm,
  type TechoUsage,
  type TechoRp,
  type TechoInstitution,
  type Dispensing,
  type SkipReason,
  type Skip,
  type TechoVersion,
  type TechoDocument,
  type TechoErrorCode,
  type TechoError,
  type ScannedCode,
} from './model.js';
export { decodePayload, jahisDate, type TextEncoding } from './text.js';
export { LIMITS as OKUSURI_TECHO_LIMITS } from './assemble.js';
export { parseDocument as parseOkusuriTechoText } from './parse.js';
export { readOkusuriTecho } from './read.js';
export {
  scanProgress as okusuriTechoProgress,
  structuredAppendOf,
  type ScanProgress,
  type SetProgress,
} from './progress.js';
export { OKUSURI_TECHO_DOCUMENT, DRUG_CODE_SYSTEMS, okusuriTechoBundles } from './to-fhir.js';
