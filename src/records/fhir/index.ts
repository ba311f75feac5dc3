export { FhirRecordsClient, type FhirRecordsOptions, type CandidatesOutcome } from './client.js';
export {
  nodeTransport,
  type Transport,
  type TlsMaterial,
  type HttpExchange,
  type HttpAnswer,
} from './transport.js';
export { ASSERTION_ALG, ASSERTION_TYPE, isReadOnlyScope } from './smart.js';
export { SEARCH_TYPES } from './summary.js';
