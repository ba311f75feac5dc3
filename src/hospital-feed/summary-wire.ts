import * as v from 'valibot';
import { CRITICAL_FLAGS, NO_KNOWN, UNAVAILABLE_REASONS } from '../summary/index.js';

/**
 * The emergency summary as it travels in the pre-arrival report (wire v2, CONTRACT §2 of issue 11).
 * Every section carries its status, so "not available" can never turn into "none known" on the way
 * to the ER: the words none / なし / None recorded belong to `none-known` only (docs/protocol.md).
 * Codes travel exactly as received (system URI verbatim), so the hospital's export keeps them.
 *
 * A report from a gateway still sending the v1 summary (plain lists) is accepted and read as v2
 * here, at the edge, so nothing behind it knows v1 existed (see `fromV1`).
 */

const Timestamp = v.pipe(v.string(), v.isoTimestamp());
const Text = (max: number) => v.pipe(v.string(), v.maxLength(max));
const Int = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));

export const SECTION_STATUSES = ['available', 'partial', 'none-known', 'unavailable'] as const;
/**
 * The unavailable reasons and "no known X" statements are the records model's own vocabularies
 * (src/summary/summary.ts), carried as they are: one list each, so the two sides cannot drift.
 */
export { NO_KNOWN, UNAVAILABLE_REASONS };

/** The report's sections, in the order the ER reads them. */
export const WIRE_SECTIONS = [
  'allergies',
  'contraindications',
  'medications',
  'problems',
  'pastIllness',
  'infections',
  'procedures',
  'devices',
  'advanceDirectives',
  'pregnancy',
  'results',
] as const;

/** A coding exactly as received: YJ under any URI, ICD-10 JP URIs, MEDIS, J-FAGY, SNOMED, LOINC, ATC... */
const Code = v.object({ system: Text(200), code: Text(100), display: v.optional(Text(300)) });
const Codes = v.pipe(v.array(Code), v.maxLength(12));

/** What every item carries: its codes, its own date, and the document it came from. */
const item = <E extends v.ObjectEntries>(entries: E) =>
  v.object({ ...entries, codes: Codes, date: v.optional(Text(40)), source: v.optional(Text(300)) });

const Allergy = item({
  substance: Text(200),
  category: v.picklist(['food', 'medication', 'environment', 'biologic', 'unknown']),
  criticality: v.picklist(['high', 'low', 'unable-to-assess', 'unknown']),
  severity: v.optional(v.picklist(['mild', 'moderate', 'severe'])),
  reactions: v.pipe(v.array(Text(200)), v.maxLength(20)),
  note: v.optional(Text(1000)),
  verification: v.optional(Text(40)),
});
const Contraindication = item({ substance: Text(200), note: v.optional(Text(1000)) });
const Medication = item({
  name: Text(200),
  flags: v.pipe(v.array(v.picklist(CRITICAL_FLAGS)), v.maxLength(CRITICAL_FLAGS.length)),
  classified: v.boolean(),
  current: v.boolean(),
  dose: v.optional(Text(300)),
});
const Condition = item({
  name: Text(200),
  clinicalStatus: v.optional(Text(40)),
  onset: v.optional(Text(40)),
});
const Procedure = item({ name: Text(200), performed: v.optional(Text(40)) });
const Device = item({ name: Text(200) });
const Statement = item({ text: Text(1000) });
const Result = item({ name: Text(200), value: Text(200) });

/**
 * One section. `reason` is there exactly when the section is unavailable, `unreadable` only when it
 * is partial (a partial section without the count "may be incomplete"); an unavailable or none-known
 * section lists nothing. A contradiction is refused as a typed error, never guessed at.
 */
const section = <T extends v.GenericSchema>(entry: T, max: number) =>
  v.pipe(
    v.object({
      status: v.picklist(SECTION_STATUSES),
      reason: v.optional(v.picklist(UNAVAILABLE_REASONS)),
      unreadable: v.optional(Int(0, 100_000)),
      /** FHIR date/dateTime of the newest entry. */
      newest: v.optional(Text(40)),
      /** "document · organisation" of each source. */
      sources: v.optional(v.pipe(v.array(Text(300)), v.maxLength(20))),
      noKnown: v.optional(v.pipe(v.array(v.picklist(NO_KNOWN)), v.maxLength(NO_KNOWN.length))),
      items: v.pipe(v.array(entry), v.maxLength(max)),
    }),
    v.check(
      (s) => (s.status === 'unavailable') === (s.reason !== undefined),
      'reason is given exactly when the section is unavailable',
    ),
    v.check(
      (s) => s.unreadable === undefined || s.status === 'partial',
      'an unreadable count belongs to a partial section',
    ),
    v.check(
      (s) => (s.status !== 'unavailable' && s.status !== 'none-known') || s.items.length === 0,
      'an unavailable or none-known section lists no items',
    ),
  );

const SummaryV2 = v.object({
  /** When the upstream records were current. */
  dataAsOf: Timestamp,
  sections: v.object({
    allergies: section(Allergy, 100),
    contraindications: section(Contraindication, 100),
    medications: section(Medication, 200),
    problems: section(Condition, 200),
    pastIllness: section(Condition, 200),
    infections: section(Condition, 100),
    procedures: section(Procedure, 200),
    devices: section(Device, 50),
    advanceDirectives: section(Statement, 20),
    pregnancy: section(Statement, 5),
    results: section(Result, 200),
  }),
  criticalFlags: v.object({
    status: v.picklist(['complete', 'incomplete', 'unavailable']),
    flags: v.pipe(v.array(v.picklist(CRITICAL_FLAGS)), v.maxLength(CRITICAL_FLAGS.length)),
    unclassified: Int(0, 10_000),
  }),
});

export type Summary = v.InferOutput<typeof SummaryV2>;
export type SummarySections = Summary['sections'];
export type SummarySectionKey = keyof SummarySections;
export type SummarySection = SummarySections[SummarySectionKey];
export type SectionStatus = (typeof SECTION_STATUSES)[number];
export type WireUnavailableReason = (typeof UNAVAILABLE_REASONS)[number];
export type NoKnown = (typeof NO_KNOWN)[number];
export type WireCriticalFlag = Summary['criticalFlags']['flags'][number];

/** The v1 summary (plain lists, no statuses), as gateways before wire v2 sent it. */
const SummaryV1 = v.object({
  allergies: v.pipe(
    v.array(v.object({ substance: Text(200), criticality: v.picklist(['high', 'low', 'unable-to-assess']) })),
    v.maxLength(100),
  ),
  medications: v.pipe(
    v.array(
      v.object({
        name: Text(200),
        flags: v.array(
          v.picklist([
            'anticoagulant',
            'antiplatelet',
            'insulin',
            'glucose-lowering',
            'steroid',
            'antiepileptic',
            'opioid',
          ]),
        ),
      }),
    ),
    v.maxLength(200),
  ),
  conditions: v.pipe(v.array(Text(200)), v.maxLength(200)),
  procedures: v.pipe(v.array(Text(200)), v.maxLength(200)),
  dataAsOf: Timestamp,
});
type SummaryV1 = v.InferOutput<typeof SummaryV1>;

const notSent = () => ({ status: 'unavailable' as const, reason: 'not-sent' as const, items: [] });

/**
 * A v1 list carries no status: an empty list may have meant "none", "not sent" or "unreadable", so
 * it is read as unavailable (not sent), never as none known; a list with items may have lost some
 * (v1 dropped unreadable entries silently), so it is partial without a count: "may be incomplete".
 */
const v1Section = <T>(items: T[]) => (items.length === 0 ? notSent() : { status: 'partial' as const, items });

/**
 * The v1 summary read as v2 (CONTRACT §2). v1's 'steroid' is v2's 'systemic-steroid'. v1 listed no
 * classification, so a medication without a flag counts as unclassified and the flags are never
 * `complete`; v1 conditions were the problem list.
 */
export const fromV1 = (s: SummaryV1): Summary => {
  const medications = s.medications.map((m) => ({
    name: m.name,
    flags: m.flags.map((f): WireCriticalFlag => (f === 'steroid' ? 'systemic-steroid' : f)),
    classified: m.flags.length > 0,
    current: true,
    codes: [],
  }));
  return {
    dataAsOf: s.dataAsOf,
    sections: {
      allergies: v1Section(
        s.allergies.map((a) => ({
          substance: a.substance,
          category: 'unknown' as const,
          criticality: a.criticality,
          reactions: [],
          codes: [],
        })),
      ),
      contraindications: notSent(),
      medications: v1Section(medications),
      problems: v1Section(s.conditions.map((name) => ({ name, codes: [] }))),
      pastIllness: notSent(),
      infections: notSent(),
      procedures: v1Section(s.procedures.map((name) => ({ name, codes: [] }))),
      devices: notSent(),
      advanceDirectives: notSent(),
      pregnancy: notSent(),
      results: notSent(),
    },
    criticalFlags: {
      status: 'incomplete',
      flags: CRITICAL_FLAGS.filter((f) => medications.some((m) => m.flags.includes(f))),
      unclassified: medications.filter((m) => !m.classified).length,
    },
  };
};

/** The summary as received: v2, or v1 read as v2. What is sent is always v2 (the output type). */
export const Summary = v.union([SummaryV2, v.pipe(SummaryV1, v.transform(fromV1))]);
