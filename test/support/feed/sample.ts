import type { ReportInput } from '../../../src/hospital-feed/index.js';

const notSent = () => ({ status: 'unavailable' as const, reason: 'not-sent' as const, items: [] });

/** A synthetic wire summary (v2): an allergy, an anticoagulant, a problem; the rest not sent. */
export const sampleSummary = (now = Date.now()): NonNullable<ReportInput['summary']> => ({
  dataAsOf: new Date(now - 86_400_000).toISOString(),
  sections: {
    allergies: {
      status: 'available',
      sources: ['IPS · Demo Clinic'],
      items: [
        {
          substance: 'penicillin',
          category: 'medication',
          criticality: 'high',
          reactions: ['anaphylaxis'],
          codes: [{ system: 'http://snomed.info/sct', code: '764146007', display: 'Penicillin' }],
        },
      ],
    },
    contraindications: notSent(),
    medications: {
      status: 'available',
      items: [
        {
          name: 'warfarin',
          flags: ['anticoagulant'],
          classified: true,
          current: true,
          codes: [{ system: 'http://www.whocc.no/atc', code: 'B01AA03', display: 'warfarin' }],
        },
      ],
    },
    problems: {
      status: 'available',
      items: [
        { name: 'atrial fibrillation', codes: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'I48' }] },
      ],
    },
    pastIllness: notSent(),
    infections: notSent(),
    procedures: { status: 'none-known', items: [] },
    devices: notSent(),
    advanceDirectives: notSent(),
    pregnancy: notSent(),
    results: notSent(),
  },
  criticalFlags: { status: 'complete', flags: ['anticoagulant'], unclassified: 0 },
});

/** A synthetic pre-arrival report (no real person); `n` makes each one distinguishable. */
export const sampleReport = (n: number, now = Date.now()): ReportInput => ({
  summary: sampleSummary(now),
  atmist: {
    age: { value: 70 + (n % 20), unit: 'years', estimated: false },
    time: new Date(now - 600_000).toISOString(),
    mechanism: 'sudden weakness of the right arm',
    injuries: 'suspected stroke',
    signs: [
      {
        at: new Date(now - 300_000).toISOString(),
        heartRate: 60 + (n % 60),
        systolic: 150,
        diastolic: 90,
        spo2: 96,
        jcs: { level: 10, modifiers: [] },
        gcs: { e: 3, v: 4, m: 6 },
      },
    ],
    treatment: 'oxygen 2 L/min',
  },
  acuity: 1 + (n % 5),
  eta: new Date(now + 900_000).toISOString(),
  crew: { unitId: 'amb-demo-01', callSign: `T-${n}`, phone: '+81-3-0000-0000' },
});
