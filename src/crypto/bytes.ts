/** Byte helpers for the wire formats: big-endian integers, hex and base64 text forms. */

export const concat = (...parts: readonly Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
};

export const u8 = (value: number): Uint8Array => Uint8Array.of(value);

export const u32be = (value: number): Uint8Array => {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, false);
  return out;
};

/** Values are JavaScript safe integers (ms timestamps, sequence numbers); callers check the range. */
export const u64be = (value: number): Uint8Array => {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value), false);
  return out;
};

export const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

export const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** Strict: only an even number of hex digits. */
export const fromHex = (text: string): Uint8Array | null =>
  /^(?:[0-9a-fA-F]{2})*$/.test(text) ? new Uint8Array(Buffer.from(text, 'hex')) : null;

/** Strict standard base64 with padding; `null` for anything Buffer would silently skip over. */
export const fromBase64 = (text: string): Uint8Array | null => {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return null;
  return new Uint8Array(Buffer.from(text, 'base64'));
};

/** A cursor over bytes; every read returns `null` past the end instead of throwing. */
export class ByteReader {
  #offset = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get remaining(): number {
    return this.bytes.length - this.#offset;
  }

  take(length: number): Uint8Array | null {
    if (length < 0 || this.remaining < length) return null;
    const out = this.bytes.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return out;
  }

  u8(): number | null {
    const b = this.take(1);
    return b === null ? null : (b[0] as number);
  }

  u32(): number | null {
    const b = this.take(4);
    return b === null ? null : new DataView(b.buffer, b.byteOffset, 4).getUint32(0, false);
  }

  /** `null` also when the value does not fit a JavaScript safe integer. */
  u64(): number | null {
    const b = this.take(8);
    if (b === null) return null;
    const big = new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, false);
    return big > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(big);
  }
}
