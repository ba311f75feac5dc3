import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  candidatesOf,
  checkQuery,
  confirmCandidate,
  findMatches,
  normaliseName,
  type FourItemsQuery,
  type RegisteredPerson,
} from '../../src/records/index.js';
import { STRONG_MATCH } from '../../src/summary/index.js';
import { hasNamesake, register, registeredHolder, registeredNamesake } from '../../src/sim/records/index.js';

const SEED = 1;
const SIZE = 120;
const REGISTER = register(SEED, SIZE);
const AT = Date.UTC(2026, 10, 30);
const byIndex = (persons: readonly RegisteredPerson[]) => (p: RegisteredPerson) =>
  `ref-${persons.indexOf(p)}`;

/** Half-width katakana for the full-width katakana our names use (JIS X 0201), as a keyboard gives them. */
const HALF: Readonly<Record<string, string>> = Object.fromEntries(
  [...'アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン'].map(
    (c) => [
      c,
      c.normalize('NFKC') === c
        ? String.fromCharCode(
            0xff71 +
              'アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン'.indexOf(
                c,
              ),
          )
        : c,
    ],
  ),
);

/** The ways a crew member may type the same name: hiragana, half-width kana, spaces of either width. */
const variants = (kana: string): fc.Arbitrary<string> =>
  fc.constantFrom(
    kana,
    kana.replace(/\u3000/g, ''),
    kana.replace(/\u3000/g, ' '),
    [...kana].map((c) => (c >= 'ァ' && c <= 'ヶ' ? String.fromCharCode(c.charCodeAt(0) - 0x60) : c)).join(''),
    [...kana.normalize('NFD')]
      .map((c) => (c === '\u3099' ? 'ﾞ' : c === '\u309a' ? 'ﾟ' : (HALF[c] ?? c)))
      .join('')
      .replace(/\u3000/g, ' '),
  );

const personArb = fc
  .integer({ min: 0, max: REGISTER.length - 1 })
  .map((i) => REGISTER[i] as RegisteredPerson);

describe('card-less lookup matching (issue 13)', () => {
  it('two registered people are never collapsed into one candidate, whatever was typed', () => {
    fc.assert(
      fc.property(personArb, fc.boolean(), fc.boolean(), (p, withSex, withAddress) => {
        const q: FourItemsQuery = {
          kind: 'four-items',
          nameKana: p.nameKana,
          birthDate: p.birthDate,
          ...(withSex ? { sex: p.sex } : {}),
          ...(withAddress ? { address: p.address } : {}),
        };
        const matches = findMatches(q, REGISTER);
        const same = REGISTER.filter(
          (r) =>
            normaliseName(r.nameKana) === normaliseName(p.nameKana) &&
            r.birthDate === p.birthDate &&
            (!withSex || r.sex === p.sex),
        );
        const candidates = candidatesOf(matches, AT, byIndex(REGISTER));
        return (
          matches.length === same.length &&
          new Set(matches.map((m) => m.person.id)).size === matches.length &&
          new Set(candidates.map((c) => c.ref)).size === candidates.length &&
          matches.some((m) => m.person.id === p.id)
        );
      }),
    );
  });

  it('kana typed in hiragana, half-width or with any spaces, and variant kanji, find the same people', () => {
    fc.assert(
      fc.property(
        personArb.chain((p) => fc.tuple(fc.constant(p), variants(p.nameKana))),
        ([p, typed]) => {
          const canonical = findMatches(
            { kind: 'four-items', nameKana: p.nameKana, birthDate: p.birthDate },
            REGISTER,
          );
          const variant = findMatches(
            { kind: 'four-items', nameKana: typed, birthDate: p.birthDate },
            REGISTER,
          );
          return (
            JSON.stringify(variant.map((m) => m.person.id)) ===
            JSON.stringify(canonical.map((m) => m.person.id))
          );
        },
      ),
    );
    expect(normaliseName('ｻﾄｳ　ﾀﾛｳ')).toBe(normaliseName('さとう たろう'));
    expect(normaliseName('髙橋 誠')).toBe(normaliseName('高橋　誠'));
  });

  it('the name-collision holders: same name and birth date in another town are two candidates, told apart by town only', () => {
    const collided = Array.from({ length: SIZE }, (_, i) => i).filter(hasNamesake);
    expect(collided.length).toBeGreaterThan(10);
    for (const i of collided) {
      const holder = registeredHolder(SEED, i);
      const namesake = registeredNamesake(SEED, i);
      expect(namesake.municipality).not.toBe(holder.municipality);
      const q: FourItemsQuery = {
        kind: 'four-items',
        nameKanji: holder.nameKanji,
        birthDate: holder.birthDate,
        sex: holder.sex,
      };
      const matches = findMatches(q, REGISTER);
      expect(matches.map((m) => m.person.id)).toEqual(expect.arrayContaining([holder.id, namesake.id]));
      const candidates = candidatesOf(matches, AT, byIndex(REGISTER));
      // Only what tells them apart: the town. Same age and sex are not shown.
      for (const c of candidates) {
        expect(c.municipality).toBeDefined();
        expect(c.age).toBeUndefined();
        expect(c.sex).toBeUndefined();
        expect(Object.keys(c).sort()).toEqual(['municipality', 'ref', 'score']);
      }
      // Name, birth date and sex alone are a weak match: the score says so.
      expect(candidates.every((c) => c.score < STRONG_MATCH)).toBe(true);
      // With the holder's address the holder scores higher, but the namesake stays a candidate.
      const withAddress = findMatches({ ...q, address: holder.address }, REGISTER);
      expect(withAddress[0]?.person.id).toBe(holder.id);
      expect(withAddress.some((m) => m.person.id === namesake.id)).toBe(true);
    }
  });

  it('no candidate is chosen without the crew’s confirmation of one that was offered', () => {
    fc.assert(
      fc.property(personArb, fc.string(), (p, other) => {
        const candidates = candidatesOf(
          findMatches({ kind: 'four-items', nameKana: p.nameKana, birthDate: p.birthDate }, REGISTER),
          AT,
          byIndex(REGISTER),
        );
        const offered = candidates[0];
        if (offered === undefined) return false;
        const stranger = confirmCandidate(candidates, `x${other}`);
        const chosen = confirmCandidate(candidates, offered.ref);
        // A single candidate is still only a candidate: it shows age, sex and town to check first.
        const single =
          candidates.length !== 1 ||
          (offered.age !== undefined && offered.sex !== undefined && offered.municipality !== undefined);
        return !stranger.ok && chosen.ok && chosen.value === offered && single;
      }),
    );
  });

  it('too little to match on, or an impossible value, is refused before any lookup', () => {
    expect(checkQuery({ kind: 'four-items', birthDate: '1950-01-01' })).toEqual({
      ok: false,
      error: 'too-little',
    });
    expect(checkQuery({ kind: 'four-items', nameKana: '　', birthDate: '1950-01-01' })).toEqual({
      ok: false,
      error: 'too-little',
    });
    expect(checkQuery({ kind: 'four-items', nameKana: 'サトウ', birthDate: '' })).toEqual({
      ok: false,
      error: 'too-little',
    });
    expect(checkQuery({ kind: 'four-items', nameKana: 'サトウ', birthDate: '1950-02-30' })).toEqual({
      ok: false,
      error: 'invalid',
    });
    expect(
      checkQuery({ kind: 'four-items', nameKana: 'サトウ', birthDate: '1950-02-03', postcode: '12-34' }),
    ).toEqual({ ok: false, error: 'invalid' });
    expect(
      checkQuery({ kind: 'insurer-number', insurerNumber: '06131234', number: '', branch: '00' }),
    ).toEqual({ ok: false, error: 'too-little' });
    expect(checkQuery({ kind: 'insurer-number', insurerNumber: '0613', number: '12', branch: '00' })).toEqual(
      { ok: false, error: 'invalid' },
    );
    const p = REGISTER[5] as RegisteredPerson;
    const byInsurer = findMatches({ kind: 'insurer-number', ...p.insurer, symbol: '' }, REGISTER);
    expect(byInsurer.map((m) => [m.person.id, m.score])).toContainEqual([p.id, 100]);
  });
});
