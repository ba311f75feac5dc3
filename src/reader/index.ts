export { statusWord, formatStatus, type StatusWord } from './status.js';
export {
  encodeCommand,
  command,
  parseResponse,
  parseCommand,
  isExtended,
  ApduErrorCode,
  SHORT_MAX_LC,
  SHORT_MAX_LE,
  EXTENDED_MAX_LC,
  EXTENDED_MAX_LE,
  type CommandApdu,
  type ResponseApdu,
  type ParsedCommand,
  type ApduError,
} from './apdu.js';
export {
  readHeader,
  derObjectSize,
  parseTlvs,
  encodeLength,
  TlvErrorCode,
  type Tlv,
  type TlvHeader,
  type TlvError,
} from './tlv.js';
export {
  TransportErrorCode,
  type TransportError,
  type CardTransport,
  type Disposition,
  type ReaderBackend,
  type ReaderState,
  type BackendEvents,
} from './transport.js';
export { CardChannel, type ChannelError, type ChannelOptions } from './channel.js';
export { JPKI_AID, JpkiEf, pinDecision, type PinDecision } from './jpki.js';
export {
  parseTrustAnchors,
  checkCertificate,
  verifyChallengeSignature,
  type TrustAnchor,
  type CheckedCertificate,
} from './certificate.js';
export {
  identifyCard,
  readPinTries,
  type CardIdentity,
  type IdentifyRequest,
  type IdentifyStep,
  type IdentifyContext,
  type IdentifyRun,
} from './identify.js';
export { IdentifyErrorCode, nextStep, crewMessage, type IdentifyFailure, type NextStep } from './outcomes.js';
export { ReaderService, type ReaderServiceEvents, type ReaderServiceOptions } from './service.js';
export { PcscBackend, type PcscBackendOptions } from './pcsc/backend.js';
