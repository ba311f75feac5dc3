import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ApduErrorCode,
  derObjectSize,
  encodeCommand,
  parseCommand,
  parseResponse,
  parseTlvs,
  readHeader,
  statusWord,
  TlvErrorCode,
} from '../../src/reader/index.js';

/**
 * Over arbitrary bytes the parsers return typed results only: no exception, and every slice they
 * return lies inside the input (a typed array never reads past its end, so lengths are the proof).
 */
const bytes = fc.uint8Array({ maxLength: 600 });
const apduCodes: readonly string[] = Object.values(ApduErrorCode);
const tlvCodes: readonly string[] = Object.values(TlvErrorCode);

describe('APDU parsers on arbitrary bytes', () => {
  it('parseResponse: data + 2 status bytes, or a typed error', () => {
    fc.assert(
      fc.property(bytes, (input) => {
        const r = parseResponse(input);
        if (!r.ok) return apduCodes.includes(r.error.code) && input.length < 2;
        return r.value.data.length === input.length - 2 && typeof r.value.status.kind === 'string';
      }),
    );
  });

  it('parseCommand: a consistent case 1–4 command, or a typed error', () => {
    fc.assert(
      fc.property(bytes, (input) => {
        const r = parseCommand(input);
        if (!r.ok) return apduCodes.includes(r.error.code);
        return r.value.data.length <= input.length - 4 && r.value.le >= 0 && r.value.le <= 65_536;
      }),
    );
  });

  it('encode then parse gives the same command back (short and extended)', () => {
    fc.assert(
      fc.property(
        fc.record({
          cla: fc.integer({ min: 0, max: 255 }),
          ins: fc.integer({ min: 0, max: 255 }),
          p1: fc.integer({ min: 0, max: 255 }),
          p2: fc.integer({ min: 0, max: 255 }),
          data: fc.uint8Array({ maxLength: 700 }),
          le: fc.integer({ min: 0, max: 65_536 }),
          extended: fc.boolean(),
        }),
        (c) => {
          const encoded = encodeCommand(c);
          expect(encoded.ok).toBe(true);
          if (!encoded.ok) return;
          const parsed = parseCommand(encoded.value);
          expect(parsed.ok).toBe(true);
          if (!parsed.ok) return;
          expect(Buffer.from(parsed.value.data).equals(Buffer.from(c.data))).toBe(true);
          expect(parsed.value.le).toBe(c.le);
        },
      ),
    );
  });

  it('encodes case 1 (no data, no Le) as the bare header, extended or not', () => {
    for (const extended of [false, true]) {
      const encoded = encodeCommand({ cla: 0, ins: 0x20, p1: 0, p2: 0x80, le: 0, extended });
      expect(encoded.ok && [...encoded.value]).toEqual([0, 0x20, 0, 0x80]);
    }
  });

  it('statusWord is total over all 65 536 values', () => {
    for (let sw = 0; sw <= 0xffff; sw++) expect(typeof statusWord(sw >> 8, sw & 0xff).kind).toBe('string');
    expect(statusWord(0x61, 0x10)).toEqual({ kind: 'more-data', available: 16 });
    expect(statusWord(0x6c, 0x04)).toEqual({ kind: 'wrong-le', exact: 4 });
    expect(statusWord(0x63, 0xc2)).toEqual({ kind: 'tries-left', tries: 2 });
  });
});

describe('TLV and DER length parsers on arbitrary bytes', () => {
  it('readHeader at any offset: a header that fits the input, or a typed error', () => {
    fc.assert(
      fc.property(bytes, fc.integer({ min: -2, max: 700 }), (input, offset) => {
        const r = readHeader(input, offset);
        if (!r.ok) return tlvCodes.includes(r.error.code);
        return offset + r.value.headerLength <= input.length && r.value.length >= 0;
      }),
    );
  });

  it('parseTlvs: values that tile the input exactly, or a typed error', () => {
    fc.assert(
      fc.property(bytes, (input) => {
        const r = parseTlvs(input);
        if (!r.ok) return tlvCodes.includes(r.error.code);
        return r.value.reduce((n, t) => n + t.value.length, 0) <= input.length;
      }),
    );
  });

  it('derObjectSize never needs more than the header', () => {
    fc.assert(
      fc.property(bytes, (input) => {
        const r = derObjectSize(input);
        return r.ok ? r.value >= 2 : tlvCodes.includes(r.error.code);
      }),
    );
    expect(derObjectSize(Uint8Array.of(0x30, 0x82, 0x03, 0x57))).toEqual({ ok: true, value: 0x357 + 4 });
    expect(derObjectSize(Uint8Array.of(0x30, 0x82, 0x03))).toMatchObject({
      ok: false,
      error: { code: 'tlv-truncated' },
    });
    expect(derObjectSize(Uint8Array.of(0x30, 0x80))).toMatchObject({
      ok: false,
      error: { code: 'tlv-unsupported-length' },
    });
  });
});
