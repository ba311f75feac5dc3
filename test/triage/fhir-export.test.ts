import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  WIRE_SECTIONS,
  type BoardReport,
  type ReportBody,
  type Summary,
} from '../../src/hospital-feed/index.js';
import { reportBundle } from '../../src/roles/triage/index.js';
import { sampleReport, sampleSummary } from '../support/feed/sample.js';
import { fhirErrors } from '../support/fhir-schema.js';
import { summaryArb } from '../support/wire-summary-arb.js';

const NOW = Date.parse('2026-11-29T10:05:00.000Z');

type Json = Record<string, unknown>;
interface Bundle {
  readonly entry: { fullUrl: string; resource: Json }[];
}
interface Section {
  title: string;
  entry?: { reference: string }[];
  emptyReason?: { coding: { code: string }[] };
  extension?: { url: string; valueInteger: number }[];
  text: { div: string };
}

const exported = (summary: Summary | undefined): Bundle => {
  const body: ReportBody = { ...sampleReport(1, NOW), reportId: 'report-0001' };
  if (summary === undefined) delete (body as { summary?: Summary }).summary;
  else (body as { summary?: Summary }).summary = summary;
  const r: BoardReport = {
    unitId: 'amb-demo-01',
    reportId: 'report-0001',
    status: 'active',
    sequence: 1,
    body,
    viewed: true,
    handedOver: false,
    receivedAt: NOW,
    updatedAt: NOW,
  };
  return reportBundle(r, body, NOW) as unknown as Bundle;
};

const composition = (b: Bundle): { section: Section[] } =>
  b.entry.find((e) => e.resource['resourceType'] === 'Composition')?.resource as unknown as {
    section: Section[];
  };

/** The Composition's sections in WIRE_SECTIONS order, then the critical flags. */
const sectionsOf = (b: Bundle): Section[] => composition(b).section;

const EXPECTED_EMPTY = {
  'not-sent': 'unavailable',
  'not-recorded': 'notasked',
  unreadable: 'unavailable',
  'upstream-failed': 'unavailable',
  withheld: 'withheld',
} as const;

describe('FHIR export of the records summary (issue 11 item 6)', () => {
  it('validates against the official FHIR R4 JSON schema and keeps every code as received (property)', () => {
    fc.assert(
      fc.property(summaryArb, (summary) => {
        const bundle = exported(summary);
        expect(fhirErrors(bundle)).toEqual([]);
        const text = JSON.stringify(bundle);
        for (const key of WIRE_SECTIONS)
          for (const item of summary.sections[key].items)
            for (const c of item.codes)
              expect(text).toContain(JSON.stringify({ system: c.system, code: c.code }).slice(1, -1));
        // Every section reference resolves to an entry of the Bundle.
        const urls = new Set(bundle.entry.map((e) => e.fullUrl));
        for (const s of sectionsOf(bundle))
          for (const ref of s.entry ?? []) expect(urls.has(ref.reference)).toBe(true);
      }),
      { numRuns: 60 },
    );
    // 60 validations against HL7's whole R4 schema take ~25 s on a shared 2-core machine: a bound on
    // the test, not a speed target (those live in bench/).
  }, 120_000);

  it('carries each section status: nilknown for none-known, the reason for unavailable, the count for partial (property)', () => {
    fc.assert(
      fc.property(summaryArb, (summary) => {
        const sections = sectionsOf(exported(summary));
        WIRE_SECTIONS.forEach((key, i) => {
          const s = summary.sections[key];
          const out = sections[i] as Section;
          const empty = out.emptyReason?.coding[0]?.code;
          switch (s.status) {
            case 'none-known':
              expect(empty).toBe('nilknown');
              break;
            case 'unavailable':
              expect(empty).toBe(EXPECTED_EMPTY[s.reason ?? 'not-sent']);
              expect(out.text.div).toContain('not available');
              break;
            case 'partial':
              expect(empty === undefined ? 'entries' : empty).not.toBe('nilknown');
              if (s.unreadable !== undefined) expect(out.extension?.[0]?.valueInteger).toBe(s.unreadable);
              expect(out.text.div).toMatch(/partial|may be incomplete/);
              break;
            case 'available':
              expect(out.entry?.length ?? 0).toBeGreaterThan(0);
              break;
            default:
              return s.status satisfies never;
          }
          // The "none" words of the export's text, too, only for none-known.
          if (s.status !== 'none-known') expect(out.text.div).not.toMatch(/\bnone\b|なし/i);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('a report without a summary exports every section as unavailable, never nilknown', () => {
    const sections = sectionsOf(exported(undefined));
    expect(sections).toHaveLength(WIRE_SECTIONS.length + 1);
    for (const s of sections) expect(s.emptyReason?.coding[0]?.code).toBe('unavailable');
    expect(fhirErrors(exported(undefined))).toEqual([]);
  });

  it('exports procedures, clinical status, devices, advance directives and pregnancy, and the flags as Flag resources', () => {
    const base = sampleSummary(NOW);
    const summary: Summary = {
      ...base,
      sections: {
        ...base.sections,
        problems: {
          status: 'available',
          items: [
            {
              name: '心房細動',
              clinicalStatus: 'active',
              codes: [{ system: 'http://jpfhir.jp/fhir/core/CodeSystem/JP_ICD10', code: 'I48.9' }],
            },
          ],
        },
        procedures: {
          status: 'available',
          items: [
            {
              name: 'PCI',
              performed: '2023-04-01',
              codes: [{ system: 'http://snomed.info/sct', code: '415070008' }],
            },
          ],
        },
        devices: { status: 'available', items: [{ name: 'ペースメーカー', codes: [] }] },
        advanceDirectives: {
          status: 'available',
          items: [{ text: 'DNAR（本人・家族の意思、2025-06）', codes: [] }],
        },
        pregnancy: { status: 'none-known', items: [] },
        medications: {
          status: 'available',
          items: [
            {
              name: 'ワーファリン錠1mg',
              flags: ['anticoagulant'],
              classified: true,
              current: true,
              codes: [
                {
                  system: 'urn:oid:1.2.392.100495.20.1.73',
                  code: '3332001F1020',
                  display: 'ワーファリン錠1mg',
                },
              ],
            },
            {
              name: 'プログラフ',
              flags: ['immunosuppressant'],
              classified: true,
              current: true,
              codes: [{ system: 'http://www.whocc.no/atc', code: 'L04AD02' }],
            },
          ],
        },
      },
      criticalFlags: { status: 'complete', flags: ['anticoagulant', 'immunosuppressant'], unclassified: 0 },
    };
    const bundle = exported(summary);
    expect(fhirErrors(bundle)).toEqual([]);
    const of = (type: string) =>
      bundle.entry.map((e) => e.resource).filter((r) => r['resourceType'] === type);
    expect(of('Procedure')).toMatchObject([
      { status: 'completed', performedDateTime: '2023-04-01', code: { text: 'PCI' } },
    ]);
    expect(of('Condition')[0]).toMatchObject({
      clinicalStatus: { coding: [{ code: 'active' }] },
      code: { coding: [{ system: 'http://jpfhir.jp/fhir/core/CodeSystem/JP_ICD10', code: 'I48.9' }] },
    });
    expect(of('Device')).toHaveLength(1);
    expect(of('DeviceUseStatement')).toHaveLength(1);
    expect(of('DocumentReference')[0]).toMatchObject({ description: 'DNAR（本人・家族の意思、2025-06）' });
    expect(of('MedicationStatement')[0]).toMatchObject({
      medicationCodeableConcept: {
        coding: [
          { system: 'urn:oid:1.2.392.100495.20.1.73', code: '3332001F1020', display: 'ワーファリン錠1mg' },
        ],
      },
    });
    expect(of('Flag').map((f) => (f['code'] as { text: string }).text)).toEqual([
      '抗凝固薬 / anticoagulant',
      '免疫抑制薬 / immunosuppressant',
    ]);
    expect(of('AllergyIntolerance')[0]).toMatchObject({
      criticality: 'high',
      code: { coding: [{ system: 'http://snomed.info/sct', code: '764146007' }] },
      reaction: [{ manifestation: [{ text: 'anaphylaxis' }] }],
    });
    const pregnancy = sectionsOf(bundle)[WIRE_SECTIONS.indexOf('pregnancy')];
    expect(pregnancy?.emptyReason?.coding[0]?.code).toBe('nilknown');
  });
});
