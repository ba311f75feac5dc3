import type { Result } from '../core/index.js';
import type { AttachmentKind } from './attachment-wire.js';
import type { DispatchKind, MessageKind } from './messages.js';

/**
 * The port to the signed-then-sealed envelope (src/crypto, issue #4). The feed never signs, seals or
 * verifies anything itself: it hands a body to `seal` and gets back opaque bytes plus the message id
 * bound inside them, and it trusts nothing from `open` but a verified result.
 */
export interface SealInput {
  readonly kind: MessageKind | DispatchKind | AttachmentKind;
  /** Recipient principal id; the codec binds the recipient's key id inside the signed data. */
  readonly to: string;
  readonly body: Uint8Array;
  /** The stream the sequence counts in: one report (its opaque id) between one sender and one recipient. */
  readonly stream: string;
  /** Per-stream sequence. */
  readonly sequence: number;
  /** Milliseconds since the epoch; a receiver refuses the envelope after it. */
  readonly expiresAt: number;
}

export interface SealedEnvelope {
  readonly messageId: string;
  readonly bytes: Uint8Array;
}

/** A principal's role in the key directory (docs/protocol.md, "The key directory"). */
export type SenderRole = 'ambulance' | 'hospital' | 'dispatch' | 'records';

export interface OpenedEnvelope {
  readonly kind: string;
  /** Sender principal id, proven by the signature. */
  readonly from: string;
  /** The sender's role in the pinned directory: what it may send is decided by it, never by the body. */
  readonly fromRole: SenderRole;
  /** The directory's display name for the sender, shown instead of anything the body claims. */
  readonly fromName: string;
  readonly messageId: string;
  readonly sequence: number;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly body: Uint8Array;
}

/**
 * Why an envelope was refused. An adapter maps the crypto module's own codes onto these; the feed
 * counts each under its own label (`ems_feed_rejected_total{reason}`).
 */
export const ENVELOPE_REJECTIONS = {
  /** Not an envelope at all, or of an unknown version. */
  malformed: 'malformed',
  /** Signature or seal did not verify: the bytes were changed. */
  tampered: 'tampered',
  /** Sealed to another recipient (or signed for one): someone forwarded it. */
  foreign: 'foreign',
  /** Signed by a key not in the pinned directory. */
  unknownSender: 'unknown-sender',
  /** Past its expiry (or created implausibly far in the future). */
  expired: 'expired',
  /** The codec's own replay store saw this message id; `messageId` lets the feed re-acknowledge it. */
  replayed: 'replayed',
} as const;
export type EnvelopeRejection = (typeof ENVELOPE_REJECTIONS)[keyof typeof ENVELOPE_REJECTIONS];

export interface OpenError {
  readonly code: EnvelopeRejection;
  /** Only for `replayed`, and only when the codec authenticated the envelope before refusing it. */
  readonly messageId?: string;
}

export interface EnvelopeCodec {
  seal(input: SealInput): Promise<SealedEnvelope>;
  open(bytes: Uint8Array): Promise<Result<OpenedEnvelope, OpenError>>;
}
