export { startIdleTrim, DEFAULT_TRIM_POLICY, type IdleTrim, type IdleTrimOptions } from './idle-trim.js';
export {
  loadReturnFreedMemory,
  TRIM_UNAVAILABLE,
  type ReturnFreedMemory,
  type TrimUnavailable,
} from './malloc-trim.js';
export { nextTrimStep, START_STATE, type TrimPolicy, type TrimState } from './trim-policy.js';
