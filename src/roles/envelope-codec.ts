import { err, ok, type Clock, type Result } from '../core/index.js';
import {
  EnvelopeOpener,
  EnvelopeSealer,
  OpenErrorCode,
  sodium,
  toError,
  toHex,
  type DirectoryView,
  type DeviceIdentity,
  type ReplayStore,
} from '../crypto/index.js';
import {
  ENVELOPE_REJECTIONS,
  type EnvelopeCodec,
  type EnvelopeRejection,
  type OpenError,
  type OpenedEnvelope,
  type SealInput,
  type SealedEnvelope,
} from '../hospital-feed/index.js';

export interface SodiumCodecOptions {
  readonly identity: DeviceIdentity;
  /** Every key envelopes to us may be sealed to (the current one, then a retiring one). */
  readonly keys: readonly DeviceIdentity[];
  readonly directory: DirectoryView;
  readonly replay: ReplayStore;
  readonly clock: Clock;
}

const STREAM_DOMAIN = new TextEncoder().encode('ems-gateway/stream/v1\n');

/** The envelope's 16-byte stream id for a feed stream (an opaque report id): BLAKE2b-128 of it. */
export const streamIdOf = (stream: string): Uint8Array => {
  const name = new TextEncoder().encode(stream);
  const input = new Uint8Array(STREAM_DOMAIN.length + name.length);
  input.set(STREAM_DOMAIN);
  input.set(name, STREAM_DOMAIN.length);
  return sodium.hash(16, input);
};

/** The crypto module's refusal codes, as the feed counts them. */
const rejectionOf = (code: OpenErrorCode): EnvelopeRejection => {
  switch (code) {
    case OpenErrorCode.MALFORMED:
    case OpenErrorCode.UNSUPPORTED_VERSION:
      return ENVELOPE_REJECTIONS.malformed;
    case OpenErrorCode.DECRYPT_FAILED:
    case OpenErrorCode.BAD_SIGNATURE:
      return ENVELOPE_REJECTIONS.tampered;
    case OpenErrorCode.NOT_FOR_US:
    case OpenErrorCode.RECIPIENT_MISMATCH:
      return ENVELOPE_REJECTIONS.foreign;
    case OpenErrorCode.UNKNOWN_SENDER:
    case OpenErrorCode.SENDER_KEY_REVOKED:
    case OpenErrorCode.SENDER_KEY_EXPIRED:
    case OpenErrorCode.SENDER_KEY_NOT_YET_VALID:
      return ENVELOPE_REJECTIONS.unknownSender;
    case OpenErrorCode.EXPIRED:
    case OpenErrorCode.LIFETIME_TOO_LONG:
    case OpenErrorCode.FROM_THE_FUTURE:
      return ENVELOPE_REJECTIONS.expired;
    case OpenErrorCode.REPLAYED:
      return ENVELOPE_REJECTIONS.replayed;
    default:
      return code satisfies never;
  }
};

/**
 * The hospital feed's envelope port on src/crypto: sign, then seal to the recipient's current key
 * in the pinned directory; open, verify against the pinned sender key, check recipient, expiry and
 * replay. A replay is reported with its (authenticated) message id, so a retried envelope whose
 * acknowledgement was lost is acknowledged again.
 */
export class SodiumEnvelopeCodec implements EnvelopeCodec {
  readonly #sealer: EnvelopeSealer;
  readonly #opener: EnvelopeOpener;
  readonly #clock: Clock;

  constructor(options: SodiumCodecOptions) {
    this.#clock = options.clock;
    this.#sealer = new EnvelopeSealer({
      identity: options.identity,
      directory: options.directory,
      clock: options.clock,
    });
    this.#opener = new EnvelopeOpener({
      keys: options.keys,
      directory: options.directory,
      replay: options.replay,
      clock: options.clock,
    });
  }

  seal(input: SealInput): Promise<SealedEnvelope> {
    // Chosen here: only the recipient can read it back out of the sealed box.
    const messageId = sodium.randomBytes(16);
    const sealed = this.#sealer.seal({
      messageId,
      to: input.to,
      kind: input.kind,
      body: input.body,
      streamId: streamIdOf(input.stream),
      sequence: input.sequence,
      ttlMs: Math.max(1, input.expiresAt - this.#clock.now()),
    });
    // An unknown recipient or an oversized body is a caller's mistake: the feed reports it as not sent.
    if (!sealed.ok) return Promise.reject(toError(sealed.error));
    return Promise.resolve({ messageId: toHex(messageId), bytes: sealed.value });
  }

  open(bytes: Uint8Array): Promise<Result<OpenedEnvelope, OpenError>> {
    const opened = this.#opener.open(bytes);
    if (!opened.ok) {
      const code = rejectionOf(opened.error.code);
      return Promise.resolve(
        err(
          code === ENVELOPE_REJECTIONS.replayed && opened.error.messageId !== undefined
            ? { code, messageId: opened.error.messageId }
            : { code },
        ),
      );
    }
    const e = opened.value;
    return Promise.resolve(
      ok({
        kind: e.kind,
        from: e.sender.principal,
        fromRole: e.sender.role,
        fromName: e.sender.displayName,
        messageId: e.messageId,
        sequence: e.sequence,
        createdAt: e.createdAt,
        expiresAt: e.expiresAt,
        body: e.body,
      }),
    );
  }
}
