export {
  BrokerLink,
  DEFAULT_SESSION_EXPIRY_SECONDS,
  type BrokerSettings,
  type LinkEvents,
  type LinkFailure,
  type MessageHandler,
} from './link.js';
export { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker.js';
export {
  MAX_PACKET_BYTES,
  PACKET_SCAN_START,
  PACKET_SIZE_ERRORS,
  scanPackets,
  type PacketScan,
  type PacketSizeError,
} from './packet-size.js';
export { topics, TOPIC_ROOT, parseStatusTopic, parsePresenceTopic, type PresenceOwner } from './topics.js';
export {
  encodePresence,
  parsePresence,
  newEpoch,
  PeerEpochs,
  withPresence,
  type PresenceListener,
  MAX_PRESENCE_BYTES,
  PRESENCE_ERRORS,
  type Presence,
  type PresenceError,
} from './presence.js';
export {
  BODY_SCHEMAS,
  MESSAGE_KINDS,
  DECLINE_REASONS,
  MAX_BODY_BYTES,
  encodeBody,
  decodeBody,
  DISPATCH_BODY_SCHEMAS,
  DISPATCH_KINDS,
  encodeDispatchBody,
  decodeDispatchBody,
  type DispatchKind,
  type DispatchMessage,
  type MessageKind,
  type FeedMessage,
  type ReportBody,
  type CancelBody,
  type AckBody,
  type AnswerBody,
  type HandoverBody,
  type BodyProblem,
  type DeclineReason,
} from './messages.js';
export {
  ATTACHMENT_KIND,
  ATTACHMENT_MEDIA_TYPES,
  ATTACHMENT_CATEGORIES,
  CHUNK_DATA_BYTES,
  CHUNK_PACKET_OVERHEAD,
  MAX_ATTACHMENT_BYTES,
  attachmentDigest,
  chunkBodies,
  decodeChunk,
  type AttachmentCategory,
  type AttachmentMediaType,
  type ChunkHeader,
} from './attachment-wire.js';
export type { StoredAttachment } from './inbox-attachments.js';
export {
  SECTION_STATUSES,
  UNAVAILABLE_REASONS,
  NO_KNOWN,
  WIRE_SECTIONS,
  type Summary,
  type SummarySections,
  type SummarySectionKey,
  type SummarySection,
  type SectionStatus,
  type WireUnavailableReason,
  type NoKnown,
  type WireCriticalFlag,
} from './summary-wire.js';
export {
  ENVELOPE_REJECTIONS,
  type EnvelopeCodec,
  type SealInput,
  type SealedEnvelope,
  type OpenedEnvelope,
  type OpenError,
  type EnvelopeRejection,
} from './codec.js';
export {
  FEED_ERRORS,
  CREW_MESSAGES,
  type FeedError,
  type FeedErrorCode,
  type StorageErrorCode,
} from './errors.js';
/** How every store of the hospital role opens its SQLite file (WAL, synchronous FULL, 0600). */
export { openDatabase, attempt, type Db } from './sqlite.js';
export { DEFAULT_RETRY_POLICY, retryDelay, inFlightWindow, type RetryPolicy } from './backoff.js';
export {
  transition,
  isDue,
  laneOf,
  type Lane,
  type Transport,
  type OutboxEntry,
  type TransportEvent,
} from './outbox-state.js';
export {
  crewState,
  onHospital,
  onTransport,
  type CrewState,
  type ReportRecord,
  type ReportView,
} from './report-state.js';
export {
  applyIncoming,
  isOnBoard,
  type BoardReport,
  type BoardChange,
  type BoardEvent,
} from './inbox-state.js';
export {
  MemoryOutboxStore,
  type OutboxStore,
  type OutboxChange,
  type PeerEntry,
  type AppliedMessage,
  type FormKey,
} from './outbox-store.js';
export { SqliteOutboxStore } from './outbox-sqlite.js';
export { SqliteInboxStore, type Redelivery } from './inbox-sqlite.js';
export { Outbox, BULK_IN_FLIGHT, systemTimers, type Timers, type PublishLink } from './outbox.js';
export { RefusalLog, REFUSAL_SUMMARY_MS } from './refusal-log.js';
export type { FeedLink } from './feed-link.js';
export {
  feedCounters,
  MIN_RETENTION_MS,
  openIncomingOrDispatch,
  type FeedCounters,
  type RejectReason,
  type DispatchIncoming,
} from './incoming.js';
export {
  THREAD_BODY_SCHEMAS,
  QUICK_REPLIES,
  QUICK_FROM,
  DISPOSITIONS,
  MAX_MESSAGE_CHARS,
  Icd10Code,
  type QuickReply,
  type Disposition,
  type ThreadMessageBody,
  type ThreadReadBody,
  type OutcomeBody,
} from './thread-wire.js';
export {
  type ThreadEntry,
  type ThreadContent,
  type ThreadState,
  type OutcomeRecord,
  type UnreadThread,
} from './thread-state.js';
export { UnitThreads } from './unit-threads.js';
export { DeskThreads, type OutcomeInput, type OutcomeSent } from './desk-threads.js';
export { AmbulanceFeed, DEFAULT_OUTCOME_RETENTION_MS, type AmbulanceFeedEvents } from './ambulance.js';
export { FORM_KEY_RETENTION_MS, type ReportInput } from './report-sending.js';
export type { AttachmentInput, SentAttachment } from './attachment-upload.js';
export { Receiver, type ReceiverEvents } from './receiver.js';
export type { AnswerInput } from './desk-replies.js';
export {
  openAmbulanceFeed,
  openReceiver,
  OUTBOX_FILE,
  INBOX_FILE,
  type FeedSetup,
  type AmbulanceSetup,
  type ReceiverSetup,
} from './setup.js';
