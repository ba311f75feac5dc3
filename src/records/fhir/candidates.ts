import * as v from 'valibot';
import { findMatches, type FourItemsQuery, type Match, type RegisteredPerson } from '../lookup.js';

/**
 * Card-less lookup on the FHIR kind (issues 13 and 14): FHIR Patients read as the register's people
 * (src/records/lookup.ts), so the matching rules are the same as the reference register's: the name
 * and birth date must agree, a given sex must agree, the address or postcode adds its points. With
 * `Patient/$match` the server's own score is kept, but a Patient the rules exclude (another birth
 * date, another sex) is still no candidate. Nothing here picks one: the crew confirms.
 */

/** The `name` representation a kana name carries (JP Core: HumanName with extension SYL). */
const EN_REPRESENTATION = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';

/**
 * The search path's Patient search (FHIR R4 Patient search parameters): the birth date, and the sex
 * when given. Not the name: FHIR's `name` matches the start of one name part, and a name typed as
 * one string (山田花子) matches none; the name is compared here, after normalisation.
 */
export const candidateSearch = (q: FourItemsQuery, count: number): URLSearchParams => {
  const form = new URLSearchParams({ birthdate: q.birthDate });
  if (q.sex !== undefined) form.set('gender', q.sex);
  form.set('_count', String(count));
  return form;
};

/** `Patient/$match` input (FHIR R4 OperationDefinition Patient-match): never only certain matches. */
export const matchParameters = (q: FourItemsQuery, count: number): Record<string, unknown> => {
  const postcode = q.postcode?.normalize('NFKC').replace(/[-\s]/g, '');
  const name = [
    ...(q.nameKanji === undefined ? [] : [{ text: q.nameKanji }]),
    ...(q.nameKana === undefined
      ? []
      : [{ extension: [{ url: EN_REPRESENTATION, valueCode: 'SYL' }], text: q.nameKana }]),
  ];
  const address = {
    ...(q.address === undefined ? {} : { text: q.address }),
    ...(postcode ? { postalCode: postcode } : {}),
  };
  return {
    resourceType: 'Parameters',
    parameter: [
      {
        name: 'resource',
        resource: {
          resourceType: 'Patient',
          name,
          birthDate: q.birthDate,
          ...(q.sex === undefined ? {} : { gender: q.sex }),
          ...(Object.keys(address).length === 0 ? {} : { address: [address] }),
        },
      },
      { name: 'onlyCertainMatches', valueBoolean: false },
      { name: 'count', valueInteger: count },
    ],
  };
};

const HumanName = v.looseObject({
  extension: v.optional(v.array(v.looseObject({ url: v.string(), valueCode: v.optional(v.string()) }))),
  text: v.optional(v.string()),
  family: v.optional(v.string()),
  given: v.optional(v.array(v.string())),
});
const PatientShape = v.looseObject({
  resourceType: v.literal('Patient'),
  id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9\-.]{1,64}$/)),
  name: v.optional(v.array(HumanName)),
  gender: v.optional(v.string()),
  birthDate: v.optional(v.string()),
  address: v.optional(
    v.array(
      v.looseObject({
        text: v.optional(v.string()),
        state: v.optional(v.string()),
        city: v.optional(v.string()),
        line: v.optional(v.array(v.string())),
        postalCode: v.optional(v.string()),
      }),
    ),
  ),
});

const nameText = (n: v.InferOutput<typeof HumanName>): string =>
  n.text ?? `${n.family ?? ''}${(n.given ?? []).join('')}`;

/**
 * A FHIR Patient as the register's person: kanji from the first name without the SYL
 * representation, kana from the one with it; 都道府県 + 市区町村 (Address.state, city) as the
 * municipality. `undefined` for what cannot be compared (no birth date; a sex other than male or
 * female, which the four items cannot confirm).
 */
export const patientPerson = (resource: unknown): RegisteredPerson | undefined => {
  const parsed = v.safeParse(PatientShape, resource);
  if (!parsed.success) return undefined;
  const p = parsed.output;
  if (p.birthDate === undefined || (p.gender !== 'male' && p.gender !== 'female')) return undefined;
  const syllabic = (n: v.InferOutput<typeof HumanName>): boolean =>
    (n.extension ?? []).some((e) => e.url === EN_REPRESENTATION && e.valueCode === 'SYL');
  const names = p.name ?? [];
  const kanji = names.find((n) => !syllabic(n));
  const kana = names.find(syllabic);
  const address = p.address?.[0];
  return {
    id: p.id,
    nameKanji: kanji === undefined ? '' : nameText(kanji),
    nameKana: kana === undefined ? '' : nameText(kana),
    birthDate: p.birthDate,
    sex: p.gender,
    address: address?.text ?? [address?.state, address?.city, ...(address?.line ?? [])].join(''),
    postcode: (address?.postalCode ?? '').normalize('NFKC').replace(/[-\s]/g, ''),
    municipality: `${address?.state ?? ''}${address?.city ?? ''}`,
    // Insurer-number lookup is not offered on the FHIR kind: nothing to compare it with here.
    insurer: { insurerNumber: '', symbol: '', number: '', branch: '' },
  };
};

/** The search path: every Patient read, matched by the lookup's rules; `skipped`: not comparable. */
export const matchesFromSearch = (
  resources: readonly unknown[],
  q: FourItemsQuery,
): { readonly matches: readonly Match[]; readonly skipped: number } => {
  const people = resources.map(patientPerson);
  return {
    matches: findMatches(
      q,
      people.filter((p) => p !== undefined),
    ),
    skipped: people.filter((p) => p === undefined).length,
  };
};

const MatchBundle = v.looseObject({
  resourceType: v.literal('Bundle'),
  type: v.literal('searchset'),
  entry: v.optional(
    v.array(
      v.looseObject({
        resource: v.optional(v.unknown()),
        search: v.optional(v.looseObject({ mode: v.optional(v.string()), score: v.optional(v.number()) })),
      }),
    ),
  ),
});

/**
 * A `$match` answer: each Patient with the server's `search.score` (0..1, FHIR R4
 * Bundle.entry.search.score) as 0..100, kept only where the lookup's rules do not exclude it.
 * `undefined` when the answer is not a searchset of scored Patients (never guessed).
 */
export const matchesFromMatch = (
  json: unknown,
  q: FourItemsQuery,
): { readonly matches: readonly Match[]; readonly skipped: number } | undefined => {
  const parsed = v.safeParse(MatchBundle, json);
  if (!parsed.success) return undefined;
  const matches: Match[] = [];
  let skipped = 0;
  for (const entry of parsed.output.entry ?? []) {
    if (entry.search?.mode === 'outcome') continue;
    const score = entry.search?.score;
    if (score === undefined || v.safeParse(PatientShape, entry.resource).success === false) return undefined;
    const person = patientPerson(entry.resource);
    if (person === undefined) skipped += 1;
    else if (findMatches(q, [person]).length === 1)
      matches.push({ person, score: Math.round(Math.min(1, Math.max(0, score)) * 100) });
  }
  matches.sort((a, b) => b.score - a.score || a.person.id.localeCompare(b.person.id));
  return { matches, skipped };
};
