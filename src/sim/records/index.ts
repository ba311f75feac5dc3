export { DRUGS, ALL_DRUGS, type Drug, type DrugKey } from './drugs.js';
export { ALLERGIES, CONDITIONS, type AllergyDef, type ConditionDef } from './clinical.js';
export {
  medicalRecord,
  ageAt,
  RECORDS_EPOCH,
  type MedicalRecord,
  type CardStatus,
} from './medical-record.js';
export { ipsBundle, type FhirJson } from './ips-bundle.js';
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
