import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../src/records/index.js';
import { EMPTY_DRAFT, lookupQueryOf } from '../../src/roles/tablet/lookup-form.js';
import {
  newUnknownPatient,
  reduce,
  type CardSession,
  type SessionEvent,
} from '../../src/roles/tablet/state.js';

const REFS = ['r1aaaaaaaaaaaaaaaaaaaa', 'r2aaaaaaaaaaaaaaaaaaaa', 'r3aaaaaaaaaaaaaaaaaaaa'] as const;
const candidateArb: fc.Arbitrary<Candidate> = fc.record({
  ref: fc.constantFrom(...REFS),
  score: fc.integer({ min: 0, max: 100 }),
});
const eventArb: fc.Arbitrary<SessionEvent> = fc.oneof(
  fc.constant<SessionEvent>({ type: 'lookup-draft', draft: EMPTY_DRAFT, errors: {} }),
  fc.constant<SessionEvent>({ type: 'lookup-started', draft: EMPTY_DRAFT }),
  fc
    .uniqueArray(candidateArb, { selector: (c) => c.ref, maxLength: 3 })
    .map<SessionEvent>((candidates) => ({ type: 'lookup-answered', candidates, complete: true })),
  fc.constant<SessionEvent>({ type: 'lookup-failed', failure: 'unavailable' }),
  fc.constant<SessionEvent>({ type: 'lookup-none' }),
  fc.constantFrom(...REFS, 'not-offered-ref-aaaaaaaa').map<SessionEvent>((ref) => ({
    type: 'candidate-confirmed',
    candidate: { ref, method: 'four-items', score: 70, confirmedBy: 'crew-1' },
    subject: `cs-${ref}`,
  })),
);

describe('the tablet’s lookup state (issue 13)', () => {
  it('no candidate is chosen but by a confirmation of one the answer on screen offered; an answer is never collapsed', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 25 }), (events) => {
        let s: CardSession = newUnknownPatient('tap-00000001', 1, { ageBand: 'unknown', sex: 'unknown' });
        for (const e of events) {
          const before = s;
          s = reduce(s, e);
          if (e.type === 'lookup-answered' && before.lookup?.status === 'searching')
            expect(s.lookup?.candidates).toEqual(e.candidates);
          if (s.candidate !== before.candidate) {
            // The only way in: a confirmation, of a ref the answered lookup listed, on an unknown patient.
            expect(e.type).toBe('candidate-confirmed');
            expect(before.candidate).toBeUndefined();
            expect(before.lookup?.status).toBe('answered');
            const offered = before.lookup?.candidates.map((c) => c.ref) ?? [];
            expect(offered).toContain(s.candidate?.ref);
            expect(s.phase.kind).toBe('identified');
          }
        }
        if (!events.some((e) => e.type === 'candidate-confirmed')) expect(s.candidate).toBeUndefined();
      }),
    );
  });
});

describe('the lookup form’s checks (pure)', () => {
  const TODAY = Date.UTC(2026, 10, 30);
  it.each([
    [
      { nameKana: 'ﾔﾏﾀﾞ ﾊﾅｺ', birthDate: '１９５０/４/２' },
      { kind: 'four-items', birthDate: '1950-04-02' },
    ],
    [
      { nameKanji: '髙橋　一郎', birthDate: '19500402', postcode: '１９２－０００１' },
      { postcode: '1920001' },
    ],
  ])('%o is a query', (typed, expected) => {
    const q = lookupQueryOf({ ...EMPTY_DRAFT, ...typed }, TODAY);
    expect(q).toMatchObject({ ok: true, value: expected });
  });

  it.each([
    [{}, { nameKana: 'required', birthDate: 'required' }],
    [{ nameKana: 'ヤマダ', birthDate: '1950-02-30' }, { birthDate: 'format' }],
    [{ nameKana: 'ヤマダ', birthDate: '2999-01-01' }, { birthDate: 'out-of-range' }],
    [{ nameKana: 'ヤマダ', birthDate: '1950-04-02', postcode: '12' }, { postcode: 'format' }],
    [
      { method: 'insurer-number', insurerNumber: '1234', branch: '1' },
      { insurerNumber: 'format', number: 'required', branch: 'format' },
    ],
  ] as const)('%o → errors %o, each at its field', (typed, errors) => {
    expect(lookupQueryOf({ ...EMPTY_DRAFT, ...typed }, TODAY)).toEqual({ ok: false, error: errors });
  });
});
