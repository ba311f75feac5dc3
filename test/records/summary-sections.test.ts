import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/records/index.js';
import { summaryProblems } from '../support/summary-invariants.js';

const LOINC = 'http://loinc.org';
const ATC = 'http://www.whocc.no/atc';
const AS_OF = { asOf: new Date('2026-03-15') };
const parse = (...bundles: unknown[]) => {
  const s = parseSummary(bundles, AS_OF);
  expect(summaryProblems(s)).toEqual([]);
  return s;
};
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
const bundle = (sections: unknown[], resources: Record<string, unknown>, title = 'IPS') => ({
  resourceType: 'Bundle',
  type: 'document',
  entry: [
    {
      fullUrl: 'urn:uuid:c',
      resource: { resourceType: 'Composition', title, date: '2026-03-01', section: sections },
    },
    ...Object.entries(resources).map(([fullUrl, resource]) => ({ fullUrl, resource })),
  ],
});
const allergy = (text: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'AllergyIntolerance',
  code: { text },
  ...extra,
});
const warfarin = {
  resourceType: 'MedicationStatement',
  status: 'active',
  medicationCodeableConcept: {
    text: 'ワルファリンカリウム錠',
    coding: [{ system: ATC, code: 'B01AA03', display: 'warfarin' }],
  },
  effectiveDateTime: '2026-02-10',
  dosage: [{ text: '1日1回 朝食後 2mg' }],
};

describe('sections: no data is not the same as not available', () => {
  it('emptyReason nilknown gives none-known; withheld and notasked give unavailable with the reason', () => {
    const s = parse(
      bundle(
        [
          section('48765-2', [], 'nilknown'),
          section('10160-0', [], 'withheld'),
          section('11450-4', [], 'notasked'),
        ],
        {},
      ),
    );
    expect(s.allergies).toEqual({ status: 'none-known', newest: '2026-03-01', sources: ['IPS'] });
    expect(s.medications).toEqual({ status: 'unavailable', reason: 'withheld' });
    expect(s.criticalFlags).toEqual({ status: 'unavailable', flags: [], unclassified: 0 });
    expect(s.problems).toEqual({ status: 'unavailable', reason: 'not-recorded' });
    expect(s.devices).toEqual({ status: 'unavailable', reason: 'not-sent' });
  });

  it('a section without entries or emptyReason is not recorded, never none-known', () => {
    expect(parse(bundle([section('48765-2', [])], {})).allergies).toEqual({
      status: 'unavailable',
      reason: 'not-recorded',
    });
  });

  it('IPS "no known allergies" is none-known; "no allergy info" is not recorded', () => {
    const absent = (code: string) => ({
      resourceType: 'AllergyIntolerance',
      code: { coding: [{ system: 'http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips', code }] },
    });
    expect(
      parse(bundle([section('48765-2', ['urn:a'])], { 'urn:a': absent('no-known-allergies') })).allergies,
    ).toMatchObject({
      status: 'none-known',
      noKnown: ['any'],
    });
    expect(
      parse(bundle([section('48765-2', ['urn:a'])], { 'urn:a': absent('no-allergy-info') })).allergies,
    ).toEqual({
      status: 'unavailable',
      reason: 'not-recorded',
    });
  });

  it('"no known food allergy" beside a drug allergy keeps the item and records noKnown food only', () => {
    const s = parse(
      bundle([section('48765-2', ['urn:a', 'urn:b'])], {
        'urn:a': allergy('ペニシリン', { category: ['medication'], criticality: 'high' }),
        'urn:b': {
          resourceType: 'AllergyIntolerance',
          code: { coding: [{ system: 'http://snomed.info/sct', code: '429625007' }] },
        },
      }),
    );
    expect(s.allergies).toMatchObject({
      status: 'available',
      noKnown: ['food'],
      items: [{ substance: 'ペニシリン' }],
    });
    const only = parse(
      bundle([section('48765-2', ['urn:b'])], {
        'urn:b': {
          resourceType: 'AllergyIntolerance',
          code: { coding: [{ system: 'http://snomed.info/sct', code: '429625007' }] },
        },
      }),
    );
    expect(only.allergies).toMatchObject({ status: 'none-known', noKnown: ['food'] });
  });

  it('refuted and entered-in-error allergies are left out, never shown', () => {
    const s = parse(
      bundle([section('48765-2', ['urn:a', 'urn:b'])], {
        'urn:a': allergy('卵', { verificationStatus: { coding: [{ code: 'refuted' }] } }),
        'urn:b': allergy('そば', { verificationStatus: { coding: [{ code: 'entered-in-error' }] } }),
      }),
    );
    expect(s.allergies).toEqual({ status: 'unavailable', reason: 'not-recorded' });
  });

  it('counts unresolvable and unreadable entries: partial with the count', () => {
    const partial = parse(
      bundle([section('48765-2', ['urn:a', 'urn:missing', 'urn:b'])], {
        'urn:a': allergy('そば', { criticality: 'high', category: ['food'], recordedDate: '2024-05-02' }),
        'urn:b': { resourceType: 'AllergyIntolerance', code: 7 },
      }),
    );
    expect(partial.allergies).toMatchObject({ status: 'partial', unreadable: 2, newest: '2024-05-02' });
    expect(parse(bundle([section('48765-2', ['urn:missing'])], {})).allergies).toMatchObject({
      status: 'partial',
      items: [],
      unreadable: 1,
    });
  });

  it('an entry of another resource type goes to its own section: present data is never lost', () => {
    const s = parse(
      bundle([section('48765-2', ['urn:a'])], {
        'urn:a': { resourceType: 'Condition', code: { text: '高血圧' } },
      }),
    );
    expect(s.problems).toMatchObject({ status: 'available', items: [{ name: '高血圧' }] });
    expect(s.allergies).toEqual({ status: 'unavailable', reason: 'not-recorded' });
  });

  it('a malformed optional value reads as absent and keeps the allergy', () => {
    const s = parse(
      bundle([section('48765-2', ['urn:a'])], {
        'urn:a': allergy('ペニシリン', { criticality: 42, recordedDate: {} }),
      }),
    );
    expect(s.allergies).toMatchObject({
      status: 'available',
      items: [{ substance: 'ペニシリン', criticality: 'unknown' }],
    });
  });

  it('critical flags are incomplete when a medication entry could not be read', () => {
    const s = parse(
      bundle([section('10160-0', ['urn:m1', 'urn:m2'])], {
        'urn:m1': warfarin,
        'urn:m2': { resourceType: 'MedicationStatement', medicationReference: { reference: 'urn:gone' } },
      }),
    );
    expect(s.medications).toMatchObject({
      status: 'partial',
      unreadable: 1,
      newest: '2026-02-10',
      items: [
        {
          japaneseName: 'ワルファリンカリウム錠',
          name: 'warfarin',
          dose: '1日1回 朝食後 2mg',
          current: true,
          classified: true,
          flags: ['anticoagulant'],
          provenance: { document: 'IPS', date: '2026-02-10' },
          codes: [{ system: ATC, code: 'B01AA03', display: 'warfarin' }],
        },
      ],
    });
    expect(s.criticalFlags).toEqual({ status: 'incomplete', flags: ['anticoagulant'], unclassified: 0 });
  });

  it('without a Composition, reads resources by type but never claims none-known', () => {
    const s = parse({
      resourceType: 'Bundle',
      type: 'document',
      entry: [{ fullUrl: 'urn:a', resource: allergy('卵') }],
    });
    expect(s.allergies).toMatchObject({ status: 'available', items: [{ substance: '卵' }] });
    expect(s.medications).toEqual({ status: 'unavailable', reason: 'not-sent' });
  });

  it('anything that is not a readable Bundle is rejected with a typed error, every section unreadable', () => {
    const cases: [unknown, string][] = [
      [null, 'not-a-resource'],
      [3, 'not-a-resource'],
      ['x', 'not-a-resource'],
      [[], 'not-a-resource'],
      [{}, 'not-a-resource'],
      [{ resourceType: 'Patient' }, 'not-a-bundle'],
      [{ resourceType: 'Bundle', type: 'transaction', entry: [] }, 'bundle-type-unsupported'],
    ];
    for (const [input, error] of cases) {
      const s = parse(input);
      expect(s.rejected).toEqual([{ index: 0, error }]);
      expect(s.allergies).toEqual({ status: 'unavailable', reason: 'unreadable' });
      expect(s.insurance).toEqual({ status: 'unavailable', reason: 'unreadable' });
    }
  });

  it('one unreadable input among good ones makes every read section partial (it may have held entries)', () => {
    const s = parse(bundle([section('48765-2', ['urn:a'])], { 'urn:a': allergy('卵') }), {
      resourceType: 'Bundle',
      type: 'batch',
    });
    expect(s.rejected).toEqual([{ index: 1, error: 'bundle-type-unsupported' }]);
    expect(s.allergies).toMatchObject({ status: 'partial', unreadable: 1, items: [{ substance: '卵' }] });
    expect(s.medications).toEqual({ status: 'unavailable', reason: 'unreadable' });
  });

  it('an empty searchset is read: every section not sent', () => {
    const s = parse({ resourceType: 'Bundle', type: 'searchset', total: 0 });
    expect(s.rejected).toEqual([]);
    expect(s.allergies).toEqual({ status: 'unavailable', reason: 'not-sent' });
  });
});

describe('merging several bundles of one patient', () => {
  const patient = (birthDate: string) => ({ resourceType: 'Patient', birthDate, gender: 'female' });
  const a = bundle(
    [section('10160-0', ['urn:uuid:m1'])],
    { 'urn:uuid:m1': warfarin, 'urn:uuid:p': patient('1950-01-01') },
    '紹介状',
  );
  const b = bundle(
    [section('10160-0', ['urn:uuid:m2']), section('48765-2', [], 'nilknown')],
    { 'urn:uuid:m2': { ...warfarin, dosage: [] }, 'urn:uuid:p2': patient('1950-01-01') },
    '処方箋',
  );

  it('the same medication from two documents is one item; sources name both documents', () => {
    const s = parse(a, b);
    expect(s.medications.status).toBe('available');
    expect(s.medications).toMatchObject({ sources: ['処方箋', '紹介状'] });
    if (s.medications.status === 'available') expect(s.medications.items).toHaveLength(1);
    expect(s.allergies).toMatchObject({ status: 'none-known', sources: ['処方箋'] });
    expect(s.documents).toEqual(['処方箋', '紹介状']);
  });

  it('is order-independent', () => {
    expect(JSON.stringify(parse(a, b))).toEqual(JSON.stringify(parse(b, a)));
  });

  it('bundles of different patients are never merged: all rejected', () => {
    const other = bundle([section('48765-2', ['urn:x'])], {
      'urn:x': allergy('卵'),
      'urn:p': patient('1988-02-02'),
    });
    const s = parse(a, other);
    expect(s.rejected.map((r) => r.error)).toEqual(['other-patient', 'other-patient']);
    expect(s.allergies).toEqual({ status: 'unavailable', reason: 'unreadable' });
    expect(s.medications).toEqual({ status: 'unavailable', reason: 'unreadable' });
  });
});
