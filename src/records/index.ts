export {
  LOOKUP_ERRORS,
  FOUR_ITEM_POINTS,
  normaliseName,
  normaliseAddress,
  checkQuery,
  scorePerson,
  findMatches,
  candidatesOf,
  confirmCandidate,
  type FourItemsQuery,
  type InsurerQuery,
  type LookupQuery,
  type RegisteredPerson,
  type LookupError,
  type Candidate,
  type Match,
} from './lookup.js';
export { parseSummary, parseSummaryBytes, sourceLabel, type ParseOptions } from './parser.js';
export {
  ATC_SYSTEM,
  YJ_SYSTEM,
  YJ_SYSTEMS,
  PRICE_CODE_SYSTEMS,
  GENERAL_NAME_CODE_SYSTEMS,
  NAME_ONLY_SYSTEMS,
  classifyDrug,
  classifyProduct,
  type CodeRef,
  type DrugInput,
  type DrugClassification,
} from './drug-classes.js';
export {
  parseDrugCatalogue,
  DRUG_CATALOGUE_ERRORS,
  type DrugCatalogue,
  type CatalogueProduct,
  type CatalogueRoute,
  type DrugCatalogueError,
  type DrugCatalogueErrorCode,
} from './drug-classes-catalogue.js';
export { loadDrugCatalogue } from './drug-classes-file.js';
export { normaliseDrugName, drugNameKeys } from './drug-classes-names.js';
export {
  ATC_RULES,
  CATEGORY_RULES,
  INGREDIENT_RULES,
  type CategoryRule,
  type IngredientRule,
} from './drug-classes-rules.js';
export { reviewFingerprint } from './drug-classes-reviewed.js';
export { INGREDIENT_CODE_RULES } from './drug-classes-ingredient-codes.js';
export { LOINC_SYSTEM, ICD10_SYSTEM } from './fhir-text.js';
export {
  UNABLE_REASONS,
  PURPOSES,
  RESPONSE_KIND,
  WireRequest,
  SignedEnvelope,
  wireRequest,
  encodeRequest,
  isCandidate,
  type IdentityCheck,
  type CardIdentity,
  type CandidateIdentity,
  type PatientIdentity,
  type ConsentBasis,
  type UnableReason,
  type Purpose,
  type SummaryRequest,
  type RequestContext,
} from './request.js';
export {
  OutcomeCode,
  nextStep,
  crewMessage,
  type PermanentCode,
  type TransientCode,
  type OperatorCode,
  type NextStep,
  type CrewMessage,
} from './outcomes.js';
export {
  SERVICE_REFUSALS,
  RefusalBody,
  verdictFor,
  type ServiceRefusal,
  type AttemptVerdict,
} from './status.js';
export {
  backoffDelay,
  breakerAllows,
  breakerRecord,
  CLOSED,
  type RetryPolicy,
  type BreakerPolicy,
  type BreakerState,
  type BreakerDecision,
} from './retry.js';
export {
  systemTimers,
  type RequestSigner,
  type ResponseOpener,
  type SummaryStore,
  type StoredBundle,
  type Timers,
} from './ports.js';
export {
  BINDING_FAILURES,
  AnswerBinding,
  subjectDigest,
  frameAnswer,
  unframeAnswer,
  checkBinding,
  type SubjectRef,
  type BindingFailure,
} from './binding.js';
export {
  RecordsClient,
  type LookupOutcome,
  type RecordsClientOptions,
  type SummaryOutcome,
  type FetchTimings,
} from './client.js';
export {
  SKIP_REASONS,
  TECHO_ERRORS,
  OKUSURI_TECHO_LIMITS,
  decodePayload,
  jahisDate,
  parseOkusuriTechoText,
  readOkusuriTecho,
  okusuriTechoProgress,
  structuredAppendOf,
  type ScanProgress,
  type SetProgress,
  OKUSURI_TECHO_DOCUMENT,
  DRUG_CODE_SYSTEMS,
  okusuriTechoBundles,
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
  type TextEncoding,
} from './okusuri-techo/index.js';
export type {
  FhirRecordsClient,
  FhirRecordsOptions,
  Transport,
  TlsMaterial,
  CandidatesOutcome,
} from './fhir/index.js';
/**
 * The FHIR upstream kind (its client, transport and SMART Backend Services constants), loaded by
 * whoever uses it: an ambulance on the sealed kind never holds it (issue 16, idle memory).
 */
export const loadFhirRecords = () => import('./fhir/index.js');
export {
  WireQuery,
  WireLookupRequest,
  LookupAnswer,
  CandidateRef,
  MAX_CANDIDATES,
  canonicalQuery,
  lookupSubject,
  candidateSubject,
  lookupInputsDigest,
  queryOf,
  answerOf,
} from './lookup-wire.js';
export { SlidingWindow, DEFAULT_LOOKUP_LIMIT, type RateLimit, type RateLimited } from './rate-limit.js';
