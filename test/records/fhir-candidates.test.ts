import { afterEach, describe, expect, it } from 'vitest';
import { FOUR_ITEM_POINTS, confirmCandidate, type LookupQuery } from '../../src/records/index.js';
import { matchesFromMatch } from '../../src/records/fhir/candidates.js';
import { cardholder } from '../../src/sim/index.js';
import type { Resource } from '../../src/sim/records/index.js';
import { startFhirHarness, type FhirHarness } from '../support/fhir-harness.js';
import { SEED, holderWith } from '../support/records-harness.js';

/**
 * Card-less lookup on the FHIR kind against medplum's engine. medplum 4.x implements no
 * `Patient/$match`, so the reference server does not offer it and the search path runs: which
 * Patients the birth-date search returns is the engine's; the matching and scores are the lookup's
 * (src/records/lookup.ts).
 */

let h: FhirHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const SYL = [{ url: 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation', valueCode: 'SYL' }];

/** Two namesakes born the same day in different towns (the collision issue 13 asks for). */
const namesake = (id: string, city: string, postalCode: string): Resource => ({
  resourceType: 'Patient',
  id,
  name: [
    { use: 'official', text: '山田 花子', family: '山田', given: ['花子'] },
    { use: 'official', extension: SYL, text: 'ヤマダ ハナコ', family: 'ヤマダ', given: ['ハナコ'] },
  ],
  gender: 'female',
  birthDate: '1950-04-02',
  address: [{ state: '東京都', city, postalCode }],
});

const startWithNamesakes = async (): Promise<FhirHarness> => {
  const harness = await startFhirHarness({ summary: false });
  await harness.fhir.add(holderWith('active'), [
    namesake('namesake-a', '八王子市', '192-0001'),
    namesake('namesake-b', '府中市', '183-0001'),
  ]);
  return harness;
};

describe('FHIR kind: card-less candidates by search (medplum’s engine)', () => {
  it('namesakes born the same day: both, scored, only the town tells them apart, none selected', async () => {
    h = await startWithNamesakes();
    const outcome = await h.client().findCandidates({
      kind: 'four-items',
      nameKanji: '山田　花子',
      nameKana: 'やまだ はなこ',
      birthDate: '1950-04-02',
      sex: 'female',
      postcode: '１９２－０００１',
    });
    expect(outcome).toMatchObject({ code: 'ok', via: 'search', complete: true });
    if (outcome.code !== 'ok') return;
    const full = FOUR_ITEM_POINTS.name + FOUR_ITEM_POINTS.birthDate + FOUR_ITEM_POINTS.sex;
    expect(outcome.candidates.map((c) => [outcome.patients.get(c.ref), c.score, c.municipality])).toEqual([
      ['namesake-a', full + FOUR_ITEM_POINTS.address, '東京都八王子市'],
      ['namesake-b', full, '東京都府中市'],
    ]);
    // Same age and sex: not shown (they tell nothing); no name, address or id reaches the crew.
    for (const c of outcome.candidates)
      expect(Object.keys(c).sort()).toEqual(['municipality', 'ref', 'score']);
    // A ref is a random UUID, which may hold any digits ("…-4192-…"): it is checked on its own.
    for (const c of outcome.candidates) expect(c.ref).not.toMatch(/namesake/);
    const shown = outcome.candidates.map(({ ref: _ref, ...rest }) => rest);
    expect(JSON.stringify(shown)).not.toMatch(/namesake|山田|192-?0001|1950/);
    // Nothing is chosen: a ref the answer does not hold confirms nothing.
    expect(confirmCandidate(outcome.candidates, 'namesake-a')).toEqual({
      ok: false,
      error: 'not-a-candidate',
    });
    // By POST only: nothing the crew typed is in a URL.
    const searches = h.exchanges.filter((x) => x.path.endsWith('/Patient/_search'));
    expect(searches.map((x) => [x.method, x.status])).toEqual([['POST', 200]]);
  });

  it('a population holder by name and birth date: one candidate, with age, sex and town to check', async () => {
    h = await startFhirHarness({ summary: false });
    const index = holderWith('active');
    const holder = cardholder(SEED, index);
    const outcome = await h
      .client()
      .findCandidates({ kind: 'four-items', nameKanji: holder.fullName, birthDate: holder.birthDate });
    expect(outcome.code).toBe('ok');
    if (outcome.code !== 'ok') return;
    expect(outcome.candidates).toHaveLength(1);
    const [only] = outcome.candidates;
    expect(outcome.patients.get(only?.ref ?? '')).toBe(h.fhir.patientId(index));
    expect(only).toMatchObject({
      score: FOUR_ITEM_POINTS.name + FOUR_ITEM_POINTS.birthDate,
      sex: holder.sex,
    });
    expect(typeof only?.age).toBe('number');
  });

  it.each([true, false])(
    'the confirmed candidate’s summary comes by its Patient reference through the card path ($summary %s)',
    async (summary) => {
      h = await startFhirHarness({ summary });
      const index = holderWith('active');
      const holder = cardholder(SEED, index);
      const client = h.client();
      const outcome = await client.findCandidates({
        kind: 'four-items',
        nameKana: holder.fullNameKana,
        birthDate: holder.birthDate,
      });
      if (outcome.code !== 'ok') throw new Error(outcome.code);
      const ref = outcome.candidates[0]?.ref ?? '';
      const before = h.exchanges.length;
      const fetched = await client.fetchSummary({
        identity: { ref, method: 'four-items', score: 70, confirmedBy: 'crew-0042' },
        consent: { basis: 'given' },
        purpose: 'emergency-care',
        crewMember: 'crew-0042',
        session: 'lookup-session',
      });
      expect(fetched).toMatchObject({ code: 'ok', source: 'upstream' });
      if (fetched.code === 'ok') expect(fetched.summary.patient.reveal().birthDate).toBe(holder.birthDate);
      const paths = h.exchanges.slice(before).map((x) => x.path);
      // By the Patient reference: no identifier search, nothing typed in a URL.
      expect(paths[0]).toBe(`/fhir/R4/Patient/${h.fhir.patientId(index)}`);
      expect(paths.some((p) => p.endsWith('/Patient/_search'))).toBe(false);
      // A ref this client never answered names nobody.
      expect(
        await client.fetchSummary({
          identity: { ref: 'B'.repeat(22), method: 'four-items', score: 70, confirmedBy: 'crew-0042' },
          consent: { basis: 'given' },
          purpose: 'emergency-care',
          crewMember: 'crew-0042',
          session: 'other',
        }),
      ).toMatchObject({ code: 'not-found' });
    },
  );

  it('more Patients on that birth date than the bound → marked incomplete, never shown as all', async () => {
    h = await startWithNamesakes();
    const outcome = await h
      .client({ maxPerType: 1 })
      .findCandidates({ kind: 'four-items', nameKanji: '山田花子', birthDate: '1950-04-02' });
    expect(outcome).toMatchObject({ code: 'ok', complete: false });
  });

  it.each<[LookupQuery, string]>([
    [{ kind: 'four-items', birthDate: '1950-04-02', sex: 'female' }, 'too-little'],
    [{ kind: 'four-items', nameKanji: '山田花子', birthDate: '1950-02-30' }, 'invalid'],
    [{ kind: 'four-items', nameKanji: '山田花子', birthDate: '1950-04-02', postcode: '19200' }, 'invalid'],
    [
      { kind: 'insurer-number', insurerNumber: '06130012', number: '1234', branch: '01' },
      'insurer-number-not-offered',
    ],
  ])('%o → %s, no request', async (query, code) => {
    h = await startFhirHarness({ summary: false });
    expect(await h.client().findCandidates(query)).toEqual({ code, attempts: 0 });
    expect(h.exchanges).toEqual([]);
  });

  it('an OperationOutcome on the search (scope without Patient) → typed outcome', async () => {
    h = await startWithNamesakes();
    const outcome = await h
      .client({ scope: 'system/AllergyIntolerance.read' })
      .findCandidates({ kind: 'four-items', nameKanji: '山田花子', birthDate: '1950-04-02' });
    expect(outcome).toMatchObject({ code: 'request-rejected' });
  });
});

describe('FHIR kind: a $match answer (the server’s scores)', () => {
  const q = { kind: 'four-items', nameKanji: '山田花子', birthDate: '1950-04-02' } as const;
  const entry = (id: string, score?: number, birthDate = '1950-04-02'): object => ({
    resource: { resourceType: 'Patient', id, name: [{ text: '山田 花子' }], gender: 'female', birthDate },
    search: { mode: 'match', ...(score === undefined ? {} : { score }) },
  });
  const bundle = (...entry: object[]): object => ({ resourceType: 'Bundle', type: 'searchset', entry });

  it('keeps the server’s score (0..1 → 0..100), best first; one the rules exclude is no candidate', () => {
    const read = matchesFromMatch(
      bundle(entry('b', 0.62), entry('a', 0.955), entry('c', 0.9, '1951-04-02')),
      q,
    );
    expect(read?.matches.map((m) => [m.person.id, m.score])).toEqual([
      ['a', 96],
      ['b', 62],
    ]);
  });

  it('a match without a score, or not a searchset → unreadable, not guessed', () => {
    expect(matchesFromMatch(bundle(entry('a')), q)).toBeUndefined();
    expect(matchesFromMatch({ resourceType: 'Bundle', type: 'document' }, q)).toBeUndefined();
  });
});
