import type { ReportInput } from '../../../src/hospital-feed/index.js';

/** A synthetic pre-arrival report (no real person); `n` makes each one distinguishable. */
export const sampleReport = (n: number, now = Date.now()): ReportInput => ({
  summary: {
    allergies: [{ substance: 'penicillin', criticality: 'high' }],
    medications: [{ name: 'warfarin', flags: ['anticoagulant'] }],
    conditions: ['atrial fibrillation'],
    procedures: [],
    dataAsOf: new Date(now - 86_400_000).toISOString(),
  },
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
