import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  TECHO_ERRORS,
  readOkusuriTecho,
  type ScannedCode,
  type TechoDocument,
} from '../../../src/records/index.js';
import { SHIFT_JIS_CHARS, encodeShiftJis } from '../../support/shift-jis.js';

const fullText = readFileSync(new URL('../../fixtures/okusuri-techo/full-v08.txt', import.meta.url), 'utf8');
const records = fullText.split('\r\n').filter((l) => l !== '');
const header = records[0] ?? '';
const body = records.slice(1);

const plain = (docs: readonly TechoDocument[]): unknown =>
  docs.map((d) => ({ ...d, patient: d.patient?.reveal() }));
const whole = readOkusuriTecho([{ bytes: new TextEncoder().encode(fullText) }]);
const expected = whole.ok ? plain(whole.value) : undefined;

const xor = (bytes: Uint8Array): number => bytes.reduce((x, b) => x ^ b, 0);

/** Cuts `bytes` at the given offsets into structured-append symbols (ISO/IEC 18004 position, total, parity). */
const structuredAppend = (bytes: Uint8Array, cuts: readonly number[]): ScannedCode[] => {
  const offsets = [0, ...[...new Set(cuts)].sort((a, b) => a - b), bytes.length];
  const parity = xor(bytes);
  const total = offsets.length - 1;
  return offsets.slice(0, -1).map((start, index) => ({
    bytes: bytes.slice(start, offsets[index + 1]),
    structuredAppend: { index, total, parity },
  }));
};

const shuffled = <T>(items: readonly T[], keys: readonly number[]): T[] =>
  items
    .map((item, i) => ({ item, key: keys[i] ?? 0 }))
    .sort((a, b) => a.key - b.key)
    .map((x) => x.item);

describe('お薬手帳 split sets: any order reads the same', () => {
  it('a JAHIS 911 split at any record boundaries, scanned in any order, reads as the whole document', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: body.length - 1 }), { maxLength: 6 }),
        fc.array(fc.integer(), { minLength: 8, maxLength: 8 }),
        fc.boolean(),
        (cuts, keys, sjis) => {
          const offsets = [0, ...[...cuts].sort((a, b) => a - b), body.length];
          const total = offsets.length - 1;
          const parts = offsets.slice(0, -1).map((start, i) => {
            const text = [
              header,
              ...body.slice(start, offsets[i + 1]),
              `911,12345678901234,${total},${i + 1}`,
            ].join('\r\n');
            return { bytes: sjis ? (encodeShiftJis(text) as Uint8Array) : new TextEncoder().encode(text) };
          });
          const read = readOkusuriTecho(shuffled(parts, keys));
          expect(read.ok && plain(read.value)).toEqual(expected);
          if (total > 1) {
            const missing = readOkusuriTecho(shuffled(parts, keys).slice(1));
            expect(missing.ok ? undefined : missing.error.code).toBe('missing-part');
          }
        },
      ),
    );
  });

  it('structured-append symbols cut anywhere (even inside a Shift_JIS character) join in header order', () => {
    const bytes = encodeShiftJis(fullText) as Uint8Array;
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { minLength: 1, maxLength: 15 }),
        fc.array(fc.integer(), { minLength: 16, maxLength: 16 }),
        (cuts, keys) => {
          const symbols = structuredAppend(bytes, cuts);
          const read = readOkusuriTecho(shuffled(symbols, keys));
          expect(read.ok && plain(read.value)).toEqual(expected);
          const missing = readOkusuriTecho(shuffled(symbols, keys).slice(1));
          expect(missing.ok ? undefined : missing.error.code).toBe('missing-part');
        },
      ),
    );
  });

  it('refuses structured-append symbols whose parity does not match, or a fragment scanned without its header', () => {
    const bytes = encodeShiftJis(fullText) as Uint8Array;
    const symbols = structuredAppend(bytes, [100, 700]);
    const [first, second, third] = symbols as [ScannedCode, ScannedCode, ScannedCode];
    const tampered = { ...second, bytes: second.bytes.map((b, i) => (i === 3 ? b ^ 0x01 : b)) };
    const parity = readOkusuriTecho([first, tampered, third]);
    expect(parity.ok ? undefined : parity.error.code).toBe('parity-mismatch');
    const bare = readOkusuriTecho([first, { bytes: second.bytes }, third]);
    expect(bare.ok ? undefined : bare.error.code).toBe('missing-part');
    const noHeaders = readOkusuriTecho(symbols.map((s) => ({ bytes: s.bytes })));
    expect(noHeaders.ok ? undefined : noHeaders.error.code).toBe('fragment-without-sequence');
    const conflicting = readOkusuriTecho([...symbols, { ...second, bytes: third.bytes }]);
    expect(conflicting.ok ? undefined : conflicting.error.code).toBe('conflicting-part');
  });
});

describe('お薬手帳 parsing never throws', () => {
  const isTypedOutcome = (read: ReturnType<typeof readOkusuriTecho>): boolean =>
    read.ok
      ? read.value.every((d) => d.version.header.startsWith('JAHISTC'))
      : TECHO_ERRORS.includes(read.error.code);

  it('on arbitrary bytes, with or without structured-append headers', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            bytes: fc.uint8Array({ maxLength: 600 }),
            sa: fc.option(
              fc.record({
                index: fc.integer({ min: -2, max: 20 }),
                total: fc.integer({ min: -1, max: 20 }),
                parity: fc.integer({ min: 0, max: 255 }),
              }),
            ),
          }),
          { maxLength: 5 },
        ),
        (codes) => {
          const read = readOkusuriTecho(
            codes.map((c) =>
              c.sa === null ? { bytes: c.bytes } : { bytes: c.bytes, structuredAppend: c.sa },
            ),
          );
          expect(isTypedOutcome(read)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('on arbitrary Japanese text after a version record, in UTF-8 or Shift_JIS', () => {
    const char = fc.constantFrom(
      ...SHIFT_JIS_CHARS,
      ',',
      ',',
      '\r\n',
      '\n',
      '1',
      '2',
      '5',
      '201',
      '301',
      '911',
    );
    fc.assert(
      fc.property(
        fc.array(char, { maxLength: 400 }),
        fc.constantFrom('JAHISTC08,1', 'JAHISTC01,2', 'JAHISTC99,'),
        fc.boolean(),
        (chars, version, sjis) => {
          const text = `${version}\r\n${chars.join('')}`;
          const bytes = sjis ? (encodeShiftJis(text) as Uint8Array) : new TextEncoder().encode(text);
          expect(isTypedOutcome(readOkusuriTecho([{ bytes }]))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('on every record of the fixture with fields dropped, emptied or replaced', () => {
    const field = fc.constantFrom(
      '',
      '0',
      '1',
      '2',
      '4',
      '6',
      '99',
      '-1',
      '20260230',
      'R010501',
      'x'.repeat(300),
      '錠',
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ line: fc.nat(), at: fc.nat(), value: field, drop: fc.boolean() }), {
          maxLength: 12,
        }),
        (mutations) => {
          const lines = records.map((l) => l.split(','));
          for (const m of mutations) {
            const target = lines[1 + (m.line % (lines.length - 1))] as string[];
            const at = m.at % target.length;
            if (m.drop) target.splice(at, 1);
            else target[at] = m.value;
          }
          const read = readOkusuriTecho([
            { bytes: new TextEncoder().encode(lines.map((l) => l.join(',')).join('\r\n')) },
          ]);
          expect(isTypedOutcome(read)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
