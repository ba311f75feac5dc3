import { err, ok, type Clock, type Result } from '../core/index.js';
import type { Metrics } from '../metrics/index.js';
import { ATTACHMENT_KIND, decodeChunk, type AttachmentChunk } from './attachment-wire.js';
import type { EnvelopeCodec, EnvelopeRejection, OpenedEnvelope } from './codec.js';
import {
  decodeBody,
  decodeDispatchBody,
  isDispatchKind,
  type BodyProblem,
  type DispatchKind,
  type DispatchMessage,
  type FeedMessage,
  type MessageKind,
} from './messages.js';

/**
 * Never forget a stored message id younger than this: on both sides (the hospital's inbox, the
 * ambulance's outbox database) the stored ids are the replay protection, so they must outlive any
 * envelope that could still be accepted (the opener's maximum lifetime of 24 h plus 2 min of skew).
 */
export const MIN_RETENTION_MS = 24 * 3600_000 + 2 * 60_000;

/**
 * Why an incoming message changed nothing; each is counted under its own label. `wrong-role`: a
 * report, update or cancel signed by a key whose directory role is not `ambulance`; `wrong-unit`: a
 * report naming another unit than the one that signed it.
 */
export type RejectReason =
  | EnvelopeRejection
  | BodyProblem['code']
  | 'unexpected-kind'
  | 'unknown-report'
  | 'wrong-role'
  | 'wrong-unit'
  /** An attachment whose chunks do not reassemble into what they claim (digest, manifest, type). */
  | 'attachment-mismatch'
  /** A message on a presence topic that is not a presence (presence.ts). */
  | 'presence-malformed';

export interface Incoming {
  readonly envelope: OpenedEnvelope;
  readonly message: FeedMessage;
}

export interface Rejected {
  readonly reason: RejectReason;
  /** Set for an authenticated replay, so the receiver can acknowledge it again. */
  readonly messageId?: string;
}

/** Opens through the codec, then validates the body against its kind's schema. */
export const openIncoming = async (
  codec: EnvelopeCodec,
  bytes: Uint8Array,
  accepted: readonly MessageKind[],
): Promise<Result<Incoming, Rejected>> => {
  const opened = await codec.open(bytes);
  if (!opened.ok)
    return err({
      reason: opened.error.code,
      ...(opened.error.messageId === undefined ? {} : { messageId: opened.error.messageId }),
    });
  const decoded = decodeBody(opened.value.kind, opened.value.body);
  if (!decoded.ok) return err({ reason: decoded.error.code });
  if (!accepted.includes(decoded.value.kind)) return err({ reason: 'unexpected-kind' });
  return ok({ envelope: opened.value, message: decoded.value });
};

/** An opened dispatch message (inquiry, answer, withdrawal, confirmation). */
export interface DispatchIncoming {
  readonly envelope: OpenedEnvelope;
  readonly dispatch: DispatchMessage;
}

/** An opened attachment chunk (the hospital's side only). */
export interface ChunkIncoming {
  readonly envelope: OpenedEnvelope;
  readonly chunk: AttachmentChunk;
}

/**
 * Like `openIncoming`, but a dispatch kind among `dispatchKinds` comes back as `dispatch`, and with
 * `chunks` an attachment chunk as `chunk`: one open per envelope (the replay store sees it once),
 * then routed by kind.
 */
export async function openIncomingOrDispatch(
  codec: EnvelopeCodec,
  bytes: Uint8Array,
  accepted: readonly MessageKind[],
  dispatchKinds: readonly DispatchKind[],
): Promise<Result<Incoming | DispatchIncoming, Rejected>>;
export async function openIncomingOrDispatch(
  codec: EnvelopeCodec,
  bytes: Uint8Array,
  accepted: readonly MessageKind[],
  dispatchKinds: readonly DispatchKind[],
  chunks: true,
): Promise<Result<Incoming | DispatchIncoming | ChunkIncoming, Rejected>>;
export async function openIncomingOrDispatch(
  codec: EnvelopeCodec,
  bytes: Uint8Array,
  accepted: readonly MessageKind[],
  dispatchKinds: readonly DispatchKind[],
  chunks = false,
): Promise<Result<Incoming | DispatchIncoming | ChunkIncoming, Rejected>> {
  const opened = await codec.open(bytes);
  if (!opened.ok)
    return err({
      reason: opened.error.code,
      ...(opened.error.messageId === undefined ? {} : { messageId: opened.error.messageId }),
    });
  const { kind, body } = opened.value;
  if (kind === ATTACHMENT_KIND) {
    if (!chunks) return err({ reason: 'unexpected-kind' });
    const chunk = decodeChunk(body);
    return chunk.ok ? ok({ envelope: opened.value, chunk: chunk.value }) : err({ reason: chunk.error });
  }
  if (isDispatchKind(kind)) {
    if (!dispatchKinds.includes(kind)) return err({ reason: 'unexpected-kind' });
    const decoded = decodeDispatchBody(kind, body);
    return decoded.ok
      ? ok({ envelope: opened.value, dispatch: decoded.value })
      : err({ reason: decoded.error.code });
  }
  const decoded = decodeBody(kind, body);
  if (!decoded.ok) return err({ reason: decoded.error.code });
  if (!accepted.includes(decoded.value.kind)) return err({ reason: 'unexpected-kind' });
  return ok({ envelope: opened.value, message: decoded.value });
}

/** The feed's counters. Labels are bounded vocabularies (kinds, reasons): never ids or patient data. */
export interface FeedCounters {
  rejected(reason: RejectReason): void;
  duplicate(): void;
  received(kind: MessageKind | DispatchKind | typeof ATTACHMENT_KIND): void;
}

export const feedCounters = (metrics: Metrics): FeedCounters => {
  const rejected = metrics.counter('ems_feed_rejected_total', 'Incoming envelopes refused, by reason.', [
    'reason',
  ]);
  const duplicates = metrics.counter(
    'ems_feed_duplicates_total',
    'Incoming envelopes already stored (QoS 1 redelivery or replay): acknowledged again, shown once.',
  );
  const received = metrics.counter('ems_feed_received_total', 'Incoming envelopes accepted, by kind.', [
    'kind',
  ]);
  return {
    rejected: (reason) => rejected.inc({ reason }),
    duplicate: () => duplicates.inc(),
    received: (kind) => received.inc({ kind }),
  };
};

/** What every part that takes in opened envelopes needs from its side of the feed (ambulance or receiver). */
export interface ReceivingPort {
  readonly clock: Clock;
  readonly counters: FeedCounters;
  /** The side stopped: its database is closed, so nothing more is read, stored or signed. */
  stopped(): boolean;
  /** An envelope refused: counted, and summarised in the log (refusal-log.ts). */
  refuse(reason: RejectReason): void;
}

export const noCounters: FeedCounters = {
  rejected: () => undefined,
  duplicate: () => undefined,
  received: () => undefined,
};
