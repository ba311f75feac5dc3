import { err, ok, type Result } from '../core/index.js';
import { toHex } from './bytes.js';
import type { DirectoryEntry, KeyDirectory } from './directory.js';
import {
  decodeSigned,
  decodeWire,
  ENVELOPE_VERSION,
  fieldsProblem,
  newWire,
  signedLength,
  writeSigned,
  type EnvelopeFields,
} from './envelope-codec.js';
import { OpenErrorCode, SealErrorCode, type CryptoProblem } from './errors.js';
import type { DeviceIdentity } from './identity.js';
import { SIZES, sodium } from './sodium.js';

export type SealProblem = CryptoProblem<SealErrorCode>;
export type OpenProblem = CryptoProblem<OpenErrorCode> & {
  /**
   * Only on ENVELOPE_REPLAYED, which is decided after the envelope was authenticated: the id lets a
   * receiver acknowledge a retried envelope again instead of leaving the sender waiting.
   */
  readonly messageId?: string;
};

export interface SealInput {
  readonly kind: string;
  readonly body: Uint8Array;
  readonly streamId: Uint8Array;
  readonly sequence: number;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** 16 random bytes; drawn from node's CSPRNG (sodium.randomBytes) when absent (fixed only in test vectors). */
  readonly messageId?: Uint8Array;
}

/** The signed bytes for a sender and recipient: deterministic (Ed25519 is), so test vectors can pin them. */
export const signedInner = (
  sender: DeviceIdentity,
  recipient: Pick<DirectoryEntry, 'keyId'>,
  input: SealInput,
): Result<Uint8Array, SealProblem> => {
  const fields: EnvelopeFields = {
    messageId: input.messageId ?? sodium.randomBytes(16),
    senderKeyId: sender.keyId,
    recipientKeyId: recipient.keyId,
    createdAt: input.createdAt,
    expiresAt: input.expiresAt,
    streamId: input.streamId,
    sequence: input.sequence,
    kind: input.kind,
  };
  const problem = fieldsProblem(fields, input.body);
  if (problem !== null)
    return err({
      code: problem.startsWith('body') ? SealErrorCode.BODY_TOO_LARGE : SealErrorCode.BAD_INPUT,
      message: problem,
    });
  // Signature ‖ signed in one array: the body (an attachment chunk, up to 192 KiB) is copied once.
  const inner = new Uint8Array(SIZES.signature + signedLength(fields.kind, input.body.length));
  const signed = writeSigned(inner.subarray(SIZES.signature), fields, input.body);
  inner.set(sender.sign(signed));
  return ok(inner);
};

/**
 * Sign, then seal: the signature covers the recipient's key id, so a recipient cannot re-seal a
 * message it received to a third party and pass it off as sent to them (see field-notes, crypto).
 */
export const sealEnvelope = (
  sender: DeviceIdentity,
  recipient: Pick<DirectoryEntry, 'keyId' | 'publicKeys'>,
  input: SealInput,
): Result<Uint8Array, SealProblem> => {
  const inner = signedInner(sender, recipient, input);
  if (!inner.ok) return inner;
  const { wire, sealed } = newWire(recipient.keyId, inner.value.length + SIZES.sealOverhead);
  sodium.boxSeal(inner.value, recipient.publicKeys.x25519, sealed);
  // The plaintext holds the body: wipe our copy once sealed (best effort, see field-notes).
  sodium.memzero(inner.value);
  return ok(wire);
};

export interface OpenedEnvelope {
  readonly version: number;
  readonly kind: string;
  readonly messageId: string;
  readonly sender: {
    readonly principal: string;
    readonly role: DirectoryEntry['role'];
    /** The directory's name for the sender: what a screen shows, never a name the sender chose. */
    readonly displayName: string;
    readonly keyId: string;
  };
  readonly recipientKeyId: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly streamId: string;
  readonly sequence: number;
  readonly body: Uint8Array;
}

export interface OpenContext {
  /** Our own identities: normally one, two during a rotation overlap. */
  readonly keys: readonly DeviceIdentity[];
  readonly directory: KeyDirectory;
  readonly now: number;
  /** Envelopes meant to live longer are refused: it bounds how long the replay store must remember. */
  readonly maxLifetimeMs: number;
  /** How far a sender's clock may run ahead of ours. */
  readonly maxClockSkewMs: number;
}

const refuse = (code: OpenErrorCode, message: string): Result<never, OpenProblem> => err({ code, message });

const SENDER_STATUS = {
  unknown: OpenErrorCode.UNKNOWN_SENDER,
  revoked: OpenErrorCode.SENDER_KEY_REVOKED,
  expired: OpenErrorCode.SENDER_KEY_EXPIRED,
  'not-yet-valid': OpenErrorCode.SENDER_KEY_NOT_YET_VALID,
} as const;

/**
 * Every check except replay, in the order docs/protocol.md gives: header, recipient, decryption,
 * structure, recipient binding, sender key, signature, times. Replay needs state: see EnvelopeOpener.
 */
export const openEnvelope = (wire: Uint8Array, ctx: OpenContext): Result<OpenedEnvelope, OpenProblem> => {
  const outer = decodeWire(wire);
  if (!outer.ok)
    return outer.reason === 'version'
      ? refuse(OpenErrorCode.UNSUPPORTED_VERSION, `only envelope version ${ENVELOPE_VERSION} is understood`)
      : refuse(OpenErrorCode.MALFORMED, 'not an envelope');
  const recipientKeyId = toHex(outer.recipientKeyId);
  const own = ctx.keys.find((k) => k.keyIdHex === recipientKeyId);
  if (own === undefined) return refuse(OpenErrorCode.NOT_FOR_US, `sealed to key ${recipientKeyId}, not ours`);
  const inner = own.openSealed(outer.sealed);
  if (inner === null) return refuse(OpenErrorCode.DECRYPT_FAILED, 'the sealed box does not open');
  try {
    const message = inner.length < SIZES.signature ? null : decodeSigned(inner.subarray(SIZES.signature));
    if (message === null) return refuse(OpenErrorCode.MALFORMED, 'the signed part is not well formed');
    if (message.version !== ENVELOPE_VERSION)
      return refuse(OpenErrorCode.MALFORMED, 'the signed version differs from the envelope version');
    if (!sodium.equal(message.recipientKeyId, outer.recipientKeyId))
      return refuse(OpenErrorCode.RECIPIENT_MISMATCH, 'signed for another recipient, then re-sealed to us');
    const senderKeyId = toHex(message.senderKeyId);
    const { status, entry } = ctx.directory.lookup(senderKeyId, ctx.now);
    if (status !== 'valid' || entry === undefined)
      return refuse(
        SENDER_STATUS[status === 'valid' ? 'unknown' : status],
        `sender key ${senderKeyId} is ${status}`,
      );
    const signature = inner.subarray(0, SIZES.signature);
    if (!sodium.verifyDetached(signature, inner.subarray(SIZES.signature), entry.publicKeys.ed25519))
      return refuse(OpenErrorCode.BAD_SIGNATURE, `the signature does not verify with key ${senderKeyId}`);
    if (message.expiresAt - message.createdAt > ctx.maxLifetimeMs)
      return refuse(OpenErrorCode.LIFETIME_TOO_LONG, `lifetime exceeds ${ctx.maxLifetimeMs} ms`);
    if (message.createdAt > ctx.now + ctx.maxClockSkewMs)
      return refuse(OpenErrorCode.FROM_THE_FUTURE, 'created later than our clock allows: check time sync');
    if (ctx.now >= message.expiresAt) return refuse(OpenErrorCode.EXPIRED, 'the envelope has expired');
    return ok({
      version: message.version,
      kind: message.kind,
      messageId: toHex(message.messageId),
      sender: {
        principal: entry.principal,
        role: entry.role,
        displayName: entry.displayName,
        keyId: senderKeyId,
      },
      recipientKeyId,
      createdAt: message.createdAt,
      expiresAt: message.expiresAt,
      streamId: toHex(message.streamId),
      sequence: message.sequence,
      body: message.body,
    });
  } finally {
    sodium.memzero(inner);
  }
};

/** The recipient key id from the cleartext header, for routing; `null` if it is not an envelope. */
export const peekRecipient = (wire: Uint8Array): string | null => {
  const outer = decodeWire(wire);
  return outer.ok ? toHex(outer.recipientKeyId) : null;
};
