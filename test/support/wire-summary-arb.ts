import fc from 'fast-check';
import {
  NO_KNOWN,
  UNAVAILABLE_REASONS,
  WIRE_SECTIONS,
  type Summary,
  type SummarySectionKey,
} from '../../src/hospital-feed/index.js';
import { CRITICAL_FLAGS } from '../../src/summary/index.js';

/**
 * Arbitrary wire v2 summaries (docs/protocol.md), valid against the schema: every status with its
 * rules (reason iff unavailable, a count only when partial, no items when unavailable or none known),
 * and item text that never itself spells a "none" word, so a test can tell where such a word came from.
 */

/** The words only `none-known` may show (CONTRACT §2). */
export const NONE_WORDS = /\bnone\b|なし|None recorded/i;

const text = (max: number) =>
  fc
    .string({
      unit: fc.constantFrom(...'abcdefxyz ABCXYZ0129アイウエオ薬剤歴・-/.'.split('')),
      minLength: 1,
      maxLength: max,
    })
    .filter((s) => !NONE_WORDS.test(s) && s.trim() !== '');
const date = fc.constantFrom('2024', '2024-05', '2025-11-02', '2026-03-01T09:30:00+09:00');
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const SYSTEMS = [
  'urn:oid:1.2.392.100495.20.1.73',
  'urn:oid:1.2.392.200119.4.403.1',
  'http://www.whocc.no/atc',
  'http://www.nlm.nih.gov/research/umls/rxnorm',
  'http://hl7.org/fhir/sid/icd-10',
  'http://jpfhir.jp/fhir/core/CodeSystem/JP_ICD10',
  'http://medis.or.jp/CodeSystem/master-disease-keyNumber',
  'http://snomed.info/sct',
  'http://loinc.org',
  'http://jpfhir.jp/fhir/core/CodeSystem/JFAGY-CodeSystem',
] as const;
export const codeArb = fc.record(
  {
    system: fc.constantFrom(...SYSTEMS),
    code: fc.stringMatching(/^[0-9A-Z]{1,12}$/),
    display: text(30),
  },
  { requiredKeys: ['system', 'code'] },
);

/** Drops `undefined` values, as JSON on the wire does. */
const defined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const base = { codes: fc.array(codeArb, { maxLength: 3 }), date: opt(date), source: opt(text(30)) };

const ITEMS = {
  allergies: fc.record({
    ...base,
    substance: text(30),
    category: fc.constantFrom('food', 'medication', 'environment', 'biologic', 'unknown'),
    criticality: fc.constantFrom('high', 'low', 'unable-to-assess', 'unknown'),
    severity: opt(fc.constantFrom('mild', 'moderate', 'severe')),
    reactions: fc.array(text(20), { maxLength: 3 }),
    note: opt(text(40)),
    verification: opt(fc.constantFrom('confirmed', 'unconfirmed', 'presumed')),
  }),
  contraindications: fc.record({ ...base, substance: text(30), note: opt(text(40)) }),
  medications: fc.record({
    ...base,
    name: text(30),
    flags: fc.uniqueArray(fc.constantFrom(...CRITICAL_FLAGS), { maxLength: 3 }),
    classified: fc.boolean(),
    current: fc.boolean(),
    dose: opt(text(30)),
  }),
  problems: fc.record({
    ...base,
    name: text(30),
    clinicalStatus: opt(fc.constantFrom('active', 'remission', 'resolved', 'other text')),
    onset: opt(date),
  }),
  pastIllness: fc.record({
    ...base,
    name: text(30),
    clinicalStatus: opt(fc.constantFrom('resolved', 'inactive')),
    onset: opt(date),
  }),
  infections: fc.record({
    ...base,
    name: text(30),
    clinicalStatus: opt(fc.constantFrom('active', 'resolved')),
    onset: opt(date),
  }),
  procedures: fc.record({ ...base, name: text(30), performed: opt(date) }),
  devices: fc.record({ ...base, name: text(30) }),
  advanceDirectives: fc.record({ ...base, text: text(40) }),
  pregnancy: fc.record({ ...base, text: text(40) }),
  results: fc.record({ ...base, name: text(20), value: text(20) }),
} as const;

const meta = {
  newest: opt(date),
  sources: opt(fc.array(text(30), { maxLength: 3 })),
  noKnown: opt(fc.uniqueArray(fc.constantFrom(...NO_KNOWN), { maxLength: 2 })),
};

const sectionArb = <K extends SummarySectionKey>(key: K): fc.Arbitrary<Summary['sections'][K]> => {
  const items = fc.array(ITEMS[key] as fc.Arbitrary<object>, { maxLength: 4 }).map((xs) => xs.map(defined));
  const noKnown = key === 'allergies' ? meta.noKnown : fc.constant(undefined);
  return fc
    .oneof(
      fc.record({
        status: fc.constant('available'),
        items: items.filter((xs) => xs.length > 0),
        newest: meta.newest,
        sources: meta.sources,
        noKnown,
      }),
      fc.record({
        status: fc.constant('partial'),
        items,
        unreadable: opt(fc.integer({ min: 0, max: 50 })),
        newest: meta.newest,
        sources: meta.sources,
        noKnown,
      }),
      fc.record({
        status: fc.constant('none-known'),
        items: fc.constant([]),
        newest: meta.newest,
        sources: meta.sources,
        noKnown,
      }),
      fc.record({
        status: fc.constant('unavailable'),
        items: fc.constant([]),
        reason: fc.constantFrom(...UNAVAILABLE_REASONS),
      }),
    )
    .map((s) => defined(s) as unknown as Summary['sections'][K]);
};

export const summaryArb: fc.Arbitrary<Summary> = fc
  .record({
    sections: fc.record(
      Object.fromEntries(WIRE_SECTIONS.map((k) => [k, sectionArb(k)])) as {
        [K in SummarySectionKey]: fc.Arbitrary<Summary['sections'][K]>;
      },
    ),
    criticalFlags: fc.record({
      status: fc.constantFrom('complete', 'incomplete', 'unavailable'),
      flags: fc.uniqueArray(fc.constantFrom(...CRITICAL_FLAGS), { maxLength: 3 }),
      unclassified: fc.integer({ min: 0, max: 20 }),
    }),
    dataAsOf: fc.constant('2026-11-29T10:00:00.000Z'),
  })
  .map((s) => s as Summary);
