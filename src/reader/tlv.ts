import { err, ok, type Result } from '../core/index.js';

/**
 * BER-TLV (ISO/IEC 7816-4 §5.2, X.690 §8.1) and DER length parsing. Every index is checked against the
 * end of the input before it is read; malformed or truncated input gives a typed error.
 */
export const TlvErrorCode = {
  /** The input ends inside a tag, a length or a value. */
  truncated: 'tlv-truncated',
  /** Indefinite length (0x80) or a length of more than 4 bytes: not DER and never used by the card. */
  unsupportedLength: 'tlv-unsupported-length',
  /** A tag of more than 4 bytes. */
  tagTooLong: 'tlv-tag-too-long',
  /** The outer DER object is not the SEQUENCE a certificate must start with. */
  notSequence: 'tlv-not-sequence',
} as const;
export type TlvErrorCode = (typeof TlvErrorCode)[keyof typeof TlvErrorCode];

export interface TlvError {
  readonly code: TlvErrorCode;
  readonly message: string;
}

const tlvError = (code: TlvErrorCode, message: string): Result<never, TlvError> => err({ code, message });

export interface TlvHeader {
  /** Tag bytes as a number (e.g. 0x30, 0x5F4E, 0xDF21). */
  readonly tag: number;
  readonly constructed: boolean;
  /** Tag and length bytes together. */
  readonly headerLength: number;
  /** Length of the value. */
  readonly length: number;
}

const MAX_TAG_BYTES = 4;
const MAX_LENGTH_BYTES = 4;

/** Reads a tag and a definite length starting at `offset`; the value itself need not be present. */
export const readHeader = (bytes: Uint8Array, offset = 0): Result<TlvHeader, TlvError> => {
  if (!Number.isInteger(offset) || offset < 0 || offset >= bytes.length)
    return tlvError(TlvErrorCode.truncated, 'no tag at this offset');
  let i = offset;
  const first = bytes[i++] ?? 0;
  let tag = first;
  // X.690 §8.1.2.4: low five bits all set = the tag number continues while bit 8 is set.
  if ((first & 0x1f) === 0x1f) {
    for (;;) {
      if (i >= bytes.length) return tlvError(TlvErrorCode.truncated, 'input ends inside a tag');
      if (i - offset >= MAX_TAG_BYTES) return tlvError(TlvErrorCode.tagTooLong, 'tag longer than 4 bytes');
      const b = bytes[i++] ?? 0;
      tag = tag * 256 + b;
      if ((b & 0x80) === 0) break;
    }
  }
  if (i >= bytes.length) return tlvError(TlvErrorCode.truncated, 'input ends before the length');
  const l0 = bytes[i++] ?? 0;
  let length = l0;
  if (l0 === 0x80) return tlvError(TlvErrorCode.unsupportedLength, 'indefinite length is not DER');
  if (l0 > 0x80) {
    // X.690 §8.1.3.5: long form, l0 & 0x7F subsequent length bytes.
    const count = l0 & 0x7f;
    if (count > MAX_LENGTH_BYTES)
      return tlvError(TlvErrorCode.unsupportedLength, `length of ${count} bytes is too long`);
    if (i + count > bytes.length) return tlvError(TlvErrorCode.truncated, 'input ends inside a length');
    length = 0;
    for (let k = 0; k < count; k++) length = length * 256 + (bytes[i++] ?? 0);
  }
  return ok({ tag, constructed: (first & 0x20) !== 0, headerLength: i - offset, length });
};

/**
 * Total size of a DER certificate from its first bytes (JPKI EF 000A starts `30 82 HH LL`): the size
 * of the outer SEQUENCE's header plus its value, so the rest can be read in as few chunks as possible.
 */
export const derObjectSize = (prefix: Uint8Array): Result<number, TlvError> => {
  const header = readHeader(prefix, 0);
  if (!header.ok) return header;
  if (header.value.tag !== 0x30)
    return tlvError(TlvErrorCode.notSequence, 'the file does not start with a DER SEQUENCE');
  return ok(header.value.headerLength + header.value.length);
};

export interface Tlv {
  readonly tag: number;
  readonly constructed: boolean;
  readonly value: Uint8Array;
}

/** Parses a run of BER-TLV objects that must fill `bytes` exactly (no nesting is followed). */
export const parseTlvs = (bytes: Uint8Array): Result<readonly Tlv[], TlvError> => {
  const out: Tlv[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const header = readHeader(bytes, offset);
    if (!header.ok) return header;
    const start = offset + header.value.headerLength;
    const end = start + header.value.length;
    if (end > bytes.length) return tlvError(TlvErrorCode.truncated, 'value runs past the end of the input');
    out.push({
      tag: header.value.tag,
      constructed: header.value.constructed,
      value: bytes.slice(start, end),
    });
    offset = end;
  }
  return ok(out);
};

/** Encodes a definite DER length (X.690 §8.1.3). */
export const encodeLength = (length: number): Uint8Array => {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Uint8Array.from([0x80 | bytes.length, ...bytes]);
};
