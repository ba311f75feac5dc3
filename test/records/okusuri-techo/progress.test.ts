import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { okusuriTechoProgress, structuredAppendOf, type ScannedCode } from '../../../src/records/index.js';
import { encodeShiftJis } from '../../support/shift-jis.js';

const fullText = readFileSync(new URL('../../fixtures/okusuri-techo/full-v08.txt', import.meta.url), 'utf8');
const fixture = (name: string): ScannedCode => ({
  bytes: new Uint8Array(readFileSync(new URL(`../../fixtures/okusuri-techo/${name}`, import.meta.url))),
});

describe('お薬手帳 scan progress (what the crew sees while scanning)', () => {
  it('reads ZXing’s structured-append sequence byte: position high nibble, total − 1 low nibble', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), fc.nat(15), fc.nat(255), (total, i, parity) => {
        const index = i % total;
        expect(structuredAppendOf((index << 4) | (total - 1), parity)).toEqual({
          ok: true,
          value: { index, total, parity },
        });
      }),
    );
    // A position past the set's end, a byte out of range: refused, never guessed.
    for (const [sequence, parity] of [
      [0x32, 0],
      [256, 0],
      [-1, 0],
      [0x01, 256],
      [1.5, 0],
    ] as const)
      expect(structuredAppendOf(sequence, parity).ok).toBe(false);
  });

  it('counts structured-append parts by their header, whatever order and repeats, until the set is whole', () => {
    const bytes = encodeShiftJis(fullText) as Uint8Array;
    const parity = bytes.reduce((x, b) => x ^ b, 0);
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 16 }),
        fc.array(fc.nat(15), { minLength: 1, maxLength: 30 }),
        (total, picks) => {
          const size = Math.ceil(bytes.length / total);
          const codes = picks.map((p) => {
            const index = p % total;
            return {
              bytes: bytes.slice(index * size, (index + 1) * size),
              structuredAppend: { index, total, parity },
            };
          });
          const seen = new Set(picks.map((p) => p % total));
          const progress = okusuriTechoProgress(codes);
          expect(progress).toMatchObject({ read: seen.size, total, complete: seen.size === total });
          expect(progress.sets[0]?.missing).toEqual(
            Array.from({ length: total }, (_, i) => i)
              .filter((i) => !seen.has(i))
              .map((i) => i + 1),
          );
        },
      ),
    );
  });

  it('counts JAHIS 911 split parts by データ連番; a whole code is a set of one', () => {
    expect(okusuriTechoProgress([fixture('split-3of3.sjis.txt'), fixture('split-1of3.sjis.txt')])).toEqual({
      sets: [{ read: 2, total: 3, missing: [2] }],
      complete: false,
      read: 2,
      total: 3,
    });
    expect(
      okusuriTechoProgress([
        fixture('split-3of3.sjis.txt'),
        fixture('split-2of3.sjis.txt'),
        fixture('split-1of3.sjis.txt'),
        fixture('full-v08.txt'),
      ]),
    ).toMatchObject({ complete: true, read: 4, total: 4 });
    expect(okusuriTechoProgress([])).toMatchObject({ complete: false, read: 0, total: 0 });
  });
});
