import { describe, expect, it } from 'vitest';
import { parseIpsBundle } from '../../src/records/index.js';

const LOINC = 'http://loinc.org';
const section = (code: string, entry: string[], emptyReason?: string) => ({
  code: { coding: [{ system: LOINC, code }] },
  entry: entry.map((reference) => ({ reference })),
  ...(emptyReason === undefined
    ? {}
    : {
        emptyReason: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/list-empty-reason', code: emptyReason }],
        },
      }),
});
const bundle = (sections: unknown[], resources: Record<string, unknown>) => ({
  resourceType: 'Bundle',
  type: 'document',
  entry: [
    {
      fullUrl: 'urn:uuid:c',
      resource: { resourceType: 'Composition', date: '2026-03-01', section: sections },
    },
    ...Object.entries(resources).map(([fullUrl, resource]) => ({ fullUrl, resource })),
  ],
});
const allergy = (text: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'AllergyIntolerance',
  code: { text },
  ...extra,
});

describe('IPS sections: no data is not the same as not available', () => {
  it('emptyReason nilknown gives none-known; withheld and notasked give unavailable', () => {
    const s = parseIpsBundle(
      bundle(
        [
          section('48765-2', [], 'nilknown'),
          section('10160-0', [], 'withheld'),
          section('11450-4', [], 'notasked'),
        ],
        {},
      ),
    );
    expect(s.allergies).toEqual({ status: 'none-known' });
    expect(s.medications).toEqual({ status: 'unavailable', reason: 'withheld' });
    expect(s.criticalFlags).toEqual({ status: 'unavailable', flags: [] });
    expect(s.conditions).toEqual({ status: 'unavailable', reason: 'not-recorded' });
  });

  it('a section without entries or emptyReason is unavailable, never empty', () => {
    expect(parseIpsBundle(bundle([section('48765-2', [])], {})).allergies).toEqual({
      status: 'unavailable',
      reason: 'no-entries',
    });
  });

  it('IPS "no known allergies" is none-known; "no allergy info" is unavailable', () => {
    const absent = (code: string) => ({
      resourceType: 'AllergyIntolerance',
      code: { coding: [{ system: 'http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips', code }] },
    });
    expect(
      parseIpsBundle(bundle([section('48765-2', ['urn:a'])], { 'urn:a': absent('no-known-allergies') }))
        .allergies,
    ).toEqual({ status: 'none-known' });
    expect(
      parseIpsBundle(bundle([section('48765-2', ['urn:a'])], { 'urn:a': absent('no-allergy-info') }))
        .allergies,
    ).toEqual({ status: 'unavailable', reason: 'not-recorded' });
  });

  it('counts unresolvable and unreadable entries: partial when some read, unavailable when none', () => {
    const partial = parseIpsBundle(
      bundle([section('48765-2', ['urn:a', 'urn:missing', 'urn:b'])], {
        'urn:a': allergy('そば', { criticality: 'high', category: ['food'], recordedDate: '2024-05-02' }),
        'urn:b': { resourceType: 'AllergyIntolerance', code: 7 },
      }),
    );
    expect(partial.allergies).toMatchObject({ status: 'available', unreadable: 2, newest: '2024-05-02' });
    const none = parseIpsBundle(bundle([section('48765-2', ['urn:missing'])], {}));
    expect(none.allergies).toEqual({ status: 'unavailable', reason: 'entries-unreadable' });
  });

  it('an entry of the wrong resource type is counted as unreadable, not shown', () => {
    const s = parseIpsBundle(
      bundle([section('48765-2', ['urn:a'])], {
        'urn:a': { resourceType: 'Condition', code: { text: 'x' } },
      }),
    );
    expect(s.allergies).toEqual({ status: 'unavailable', reason: 'entries-unreadable' });
  });

  it('a malformed optional value reads as absent and keeps the allergy', () => {
    const s = parseIpsBundle(
      bundle([section('48765-2', ['urn:a'])], {
        'urn:a': allergy('ペニシリン', { criticality: 42, recordedDate: {} }),
      }),
    );
    expect(s.allergies).toMatchObject({
      status: 'available',
      items: [{ substance: 'ペニシリン', criticality: 'unknown' }],
    });
  });

  it('critical flags are partial when a medication entry could not be read', () => {
    const s = parseIpsBundle(
      bundle([section('10160-0', ['urn:m1', 'urn:m2'])], {
        'urn:m1': {
          resourceType: 'MedicationStatement',
          medicationCodeableConcept: {
            text: 'ワルファリンカリウム錠',
            coding: [{ system: 'http://www.whocc.no/atc', code: 'B01AA03', display: 'warfarin' }],
          },
          effectiveDateTime: '2026-02-10',
          informationSource: { display: 'みどり薬局' },
          dosage: [{ text: '1日1回 朝食後 2mg' }],
        },
        'urn:m2': { resourceType: 'MedicationStatement', medicationReference: { reference: 'urn:gone' } },
      }),
    );
    expect(s.medications).toMatchObject({
      status: 'available',
      unreadable: 1,
      newest: '2026-02-10',
      items: [
        {
          japaneseName: 'ワルファリンカリウム錠',
          genericName: 'warfarin',
          dose: '1日1回 朝食後 2mg',
          lastDispensed: '2026-02-10',
          source: 'みどり薬局',
          flags: ['anticoagulant'],
        },
      ],
    });
    expect(s.criticalFlags).toEqual({ status: 'partial', flags: ['anticoagulant'] });
  });

  it('without a Composition, reads resources from the Bundle but never claims none-known', () => {
    const s = parseIpsBundle({
      resourceType: 'Bundle',
      type: 'document',
      entry: [{ fullUrl: 'urn:a', resource: allergy('卵') }],
    });
    expect(s.allergies).toMatchObject({ status: 'available', items: [{ substance: '卵' }] });
    expect(s.medications).toEqual({ status: 'unavailable', reason: 'composition-missing' });
  });

  it('anything that is not a document Bundle is unreadable in every section', () => {
    for (const input of [null, 3, 'x', [], {}, { resourceType: 'Bundle', type: 'searchset', entry: [] }]) {
      const s = parseIpsBundle(input);
      expect(s.allergies).toEqual({ status: 'unavailable', reason: 'bundle-unreadable' });
      expect(s.insurance).toEqual({ status: 'unavailable', reason: 'bundle-unreadable' });
    }
  });
});
