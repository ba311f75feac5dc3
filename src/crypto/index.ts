export { DeviceIdentity, keyIdOf, type PublicKeys } from './identity.js';
export {
  encodeKeyFile,
  decodeKeyFile,
  DEFAULT_KDF,
  KEY_FILE_FORMAT,
  type EncodeOptions,
  type KeyFileProblem,
  type KdfParams,
} from './key-file.js';
export { readKeyFile, writeKeyFile } from './key-file-io.js';
export {
  KeyDirectory,
  DirectoryPayload,
  signDirectory,
  verifyDirectory,
  entryFor,
  DIRECTORY_FORMAT,
  PRINCIPAL_ROLES,
  type DirectoryEntry,
  type DirectoryProblem,
  type KeyStatus,
  type PrincipalRole,
} from './directory.js';
export {
  DirectorySource,
  readDirectoryFile,
  type DirectorySourceEvents,
  type DirectoryView,
} from './directory-source.js';
export {
  sealEnvelope,
  openEnvelope,
  signedInner,
  peekRecipient,
  type OpenContext,
  type OpenedEnvelope,
  type OpenProblem,
  type SealInput,
  type SealProblem,
} from './envelope.js';
export { ENVELOPE_VERSION, MAX_BODY_BYTES, KIND_PATTERN } from './envelope-codec.js';
export {
  EnvelopeOpener,
  EnvelopeSealer,
  OPEN_DEFAULTS,
  type OpenerOptions,
  type SealerOptions,
  type SealRequest,
} from './opener.js';
export { MemoryReplayStore, type ReplayStore } from './replay.js';
export { SqliteReplayStore } from './replay-sqlite.js';
export {
  KeyFileErrorCode,
  DirectoryErrorCode,
  SealErrorCode,
  OpenErrorCode,
  openErrorAction,
  CryptoError,
  toError,
  type CryptoProblem,
  type OpenErrorAction,
} from './errors.js';
export { fromBase64, fromHex, toBase64, toHex } from './bytes.js';
export { ED25519_LONG_MESSAGE, SIZES, sodium, type Sodium } from './sodium.js';
export {
  signStatement,
  verifyStatement,
  STATEMENT_FORMAT,
  MAX_STATEMENT_BYTES,
  StatementErrorCode,
  type StatementProblem,
  type VerifiedStatement,
} from './statement.js';
