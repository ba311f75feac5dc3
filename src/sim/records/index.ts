export { DRUGS, ALL_DRUGS, type Drug, type DrugKey } from './drugs.js';
export {
  ALLERGIES,
  CONDITIONS,
  JFAGY_FOOD_SYSTEM,
  JFAGY_NON_FOOD_SYSTEM,
  type AllergyDef,
  type ConditionDef,
} from './clinical.js';
export {
  medicalRecord,
  ageAt,
  RECORDS_EPOCH,
  YJ_CAPSTANDARD_SYSTEM,
  YJ_OID_SYSTEM,
  GENERAL_ORDER_CODE_SYSTEM,
  type MedicalRecord,
  type CardStatus,
  type RecordShape,
  type JapaneseDrugCode,
} from './medical-record.js';
export { ipsBundle, type FhirJson } from './ips-bundle.js';
export { jpClinsBundle, JP_ICD10_SYSTEM } from './jp-clins-bundle.js';
export { recordBundle } from './record-bundle.js';
export { HOLDER_TRAITS, holderTraits, findHolders, type HolderTrait } from './traits.js';
export {
  recordsService,
  abortableSleep,
  NO_FAULTS,
  type RecordsServiceOptions,
  type FaultModes,
} from './service.js';
export {
  directoryVerifier,
  envelopeSealer,
  certificateCardCheck,
  type RequestVerifier,
  type ResponseSealer,
  type CardCheck,
} from './ports.js';
export {
  startReferenceRecords,
  type ReferenceRecordsOptions,
  type RunningReferenceRecords,
} from './serve.js';
export type { FhirServer, FhirServerOptions } from './fhir-server.js';
/**
 * The reference FHIR server (`fhirRecordsServer`, `FHIR_BASE_PATH`), loaded when asked for: medplum's
 * engine and FHIR definitions are ~2 MiB of heap, and the in-process demo ambulance, which uses this
 * folder's synthetic holders only, never serves FHIR (issue 16).
 */
export const loadFhirRecordsServer = () => import('./fhir-server.js');
export { DEMO_PATIENT_IDENTIFIER_SYSTEM, type Resource } from './fhir-population.js';
export { register, registeredHolder, registeredNamesake, hasNamesake, municipalityOf } from './register.js';
export { okusuriTechoText, okusuriTechoPayload, type OkusuriTechoOptions } from './okusuri-techo.js';
