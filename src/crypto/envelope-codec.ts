import { ByteReader, ascii, u32be, u64be, u8 } from './bytes.js';
import { SIZES } from './sodium.js';

/*
 * The envelope's byte layout (docs/protocol.md is the reference; this file must agree with it).
 *
 * Wire envelope (what travels):
 *   "EMSE" (4) ‖ version 0x01 (1) ‖ recipient key id (16) ‖ crypto_box_seal(inner) (len(inner) + 48)
 * Inner (the sealed plaintext), crypto_sign's combined form:
 *   Ed25519 signature (64) ‖ signed
 * Signed:
 *   "EMSS" (4) ‖ version 0x01 (1) ‖ message id (16) ‖ sender key id (16) ‖ recipient key id (16) ‖
 *   created at ms (u64 BE) ‖ expires at ms (u64 BE) ‖ stream id (16) ‖ sequence (u64 BE) ‖
 *   kind length K (1) ‖ kind (K, ASCII) ‖ body length L (u32 BE) ‖ body (L)
 */

export const WIRE_MAGIC = ascii('EMSE');
export const SIGNED_MAGIC = ascii('EMSS');
export const ENVELOPE_VERSION = 1;
/** A summary or report is a few KB; the bound keeps a hostile envelope from costing much memory. */
export const MAX_BODY_BYTES = 1024 * 1024;
export const KIND_PATTERN = /^[a-z0-9][a-z0-9.-]{0,63}$/;

export const WIRE_HEADER_BYTES = 4 + 1 + SIZES.keyId;
export const SIGNED_FIXED_BYTES = 4 + 1 + 16 + 16 + 16 + 8 + 8 + 16 + 8 + 1 + 4;
export const MAX_WIRE_BYTES =
  WIRE_HEADER_BYTES + SIZES.sealOverhead + SIZES.signature + SIGNED_FIXED_BYTES + 64 + MAX_BODY_BYTES;

/** Everything the sender signs besides the body. */
export interface EnvelopeFields {
  readonly messageId: Uint8Array;
  readonly senderKeyId: Uint8Array;
  readonly recipientKeyId: Uint8Array;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Opaque id of a message stream chosen by the sender; `sequence` counts within it. */
  readonly streamId: Uint8Array;
  readonly sequence: number;
  readonly kind: string;
}

export interface SignedMessage extends EnvelopeFields {
  readonly version: number;
  readonly body: Uint8Array;
}

/** Why fields cannot be encoded; `null` when they can. */
export const fieldsProblem = (fields: EnvelopeFields, body: Uint8Array): string | null => {
  if (fields.messageId.length !== 16 || fields.streamId.length !== 16) return 'ids must be 16 bytes';
  if (fields.senderKeyId.length !== SIZES.keyId || fields.recipientKeyId.length !== SIZES.keyId)
    return 'key ids must be 16 bytes';
  if (!KIND_PATTERN.test(fields.kind)) return 'kind must be 1–64 of a-z, 0-9, "." and "-"';
  for (const n of [fields.createdAt, fields.expiresAt, fields.sequence])
    if (!Number.isSafeInteger(n) || n < 0) return 'times and sequence must be non-negative safe integers';
  if (fields.expiresAt <= fields.createdAt) return 'expiresAt must be after createdAt';
  if (body.length > MAX_BODY_BYTES) return `body exceeds ${MAX_BODY_BYTES} bytes`;
  return null;
};

/** How long the signed bytes of a message of this (ASCII: KIND_PATTERN) kind and body length are. */
export const signedLength = (kind: string, bodyLength: number): number =>
  SIGNED_FIXED_BYTES + kind.length + bodyLength;

/**
 * Writes the signed bytes into `out`, which is `signedLength` long (a view into a larger array, so
 * the signature can go before them without copying a body that may be an attachment chunk); returns
 * `out`. Callers check `fieldsProblem` first.
 */
export const writeSigned = (out: Uint8Array, fields: EnvelopeFields, body: Uint8Array): Uint8Array => {
  const kind = ascii(fields.kind);
  let offset = 0;
  for (const part of [
    SIGNED_MAGIC,
    u8(ENVELOPE_VERSION),
    fields.messageId,
    fields.senderKeyId,
    fields.recipientKeyId,
    u64be(fields.createdAt),
    u64be(fields.expiresAt),
    fields.streamId,
    u64be(fields.sequence),
    u8(kind.length),
    kind,
    u32be(body.length),
    body,
  ]) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
};

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/** Parses signed bytes strictly: exact length, known magic, valid kind. `null` when malformed. */
export const decodeSigned = (bytes: Uint8Array): SignedMessage | null => {
  const r = new ByteReader(bytes);
  const magic = r.take(4);
  const version = r.u8();
  const messageId = r.take(16);
  const senderKeyId = r.take(16);
  const recipientKeyId = r.take(16);
  const createdAt = r.u64();
  const expiresAt = r.u64();
  const streamId = r.take(16);
  const sequence = r.u64();
  const kindLength = r.u8();
  const kindBytes = kindLength === null ? null : r.take(kindLength);
  const bodyLength = r.u32();
  const body = bodyLength === null ? null : r.take(bodyLength);
  if (
    magic === null ||
    !sameBytes(magic, SIGNED_MAGIC) ||
    version === null ||
    messageId === null ||
    senderKeyId === null ||
    recipientKeyId === null ||
    createdAt === null ||
    expiresAt === null ||
    streamId === null ||
    sequence === null ||
    kindBytes === null ||
    body === null ||
    r.remaining !== 0
  )
    return null;
  const kind = Buffer.from(kindBytes).toString('latin1');
  if (!KIND_PATTERN.test(kind) || expiresAt <= createdAt) return null;
  return {
    version,
    messageId: messageId.slice(),
    senderKeyId: senderKeyId.slice(),
    recipientKeyId: recipientKeyId.slice(),
    createdAt,
    expiresAt,
    streamId: streamId.slice(),
    sequence,
    kind,
    body: body.slice(),
  };
};

/**
 * A wire envelope with its header written and room for `sealedLength` sealed bytes after it
 * (`sealed`, a view of `wire`): the sealed box is made in place rather than copied behind the header.
 */
export const newWire = (
  recipientKeyId: Uint8Array,
  sealedLength: number,
): { readonly wire: Uint8Array; readonly sealed: Uint8Array } => {
  const wire = new Uint8Array(WIRE_HEADER_BYTES + sealedLength);
  wire.set(WIRE_MAGIC);
  wire[WIRE_MAGIC.length] = ENVELOPE_VERSION;
  wire.set(recipientKeyId, WIRE_MAGIC.length + 1);
  return { wire, sealed: wire.subarray(WIRE_HEADER_BYTES) };
};

export type WireParse =
  | { readonly ok: true; readonly recipientKeyId: Uint8Array; readonly sealed: Uint8Array }
  | { readonly ok: false; readonly reason: 'malformed' | 'version' };

export const decodeWire = (bytes: Uint8Array): WireParse => {
  if (bytes.length > MAX_WIRE_BYTES) return { ok: false, reason: 'malformed' };
  const r = new ByteReader(bytes);
  const magic = r.take(4);
  if (magic === null || !sameBytes(magic, WIRE_MAGIC)) return { ok: false, reason: 'malformed' };
  if (r.u8() !== ENVELOPE_VERSION) return { ok: false, reason: 'version' };
  const recipientKeyId = r.take(SIZES.keyId);
  const minimum = SIZES.sealOverhead + SIZES.signature + SIGNED_FIXED_BYTES + 1;
  if (recipientKeyId === null || r.remaining < minimum) return { ok: false, reason: 'malformed' };
  return { ok: true, recipientKeyId, sealed: r.take(r.remaining) as Uint8Array };
};
