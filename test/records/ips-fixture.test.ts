import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIpsBundle, parseIpsBytes } from '../../src/records/index.js';

const fixtureText = (): string =>
  readFileSync(new URL('../fixtures/ips/hl7-ips-bundle-minimal.json', import.meta.url), 'utf8');

describe('the HL7 IPS example bundle (bundle-minimal), written by others', () => {
  const summary = parseIpsBundle(JSON.parse(fixtureText()));

  it('gives its penicillin allergy: medication, high criticality, dated by onset', () => {
    expect(summary.allergies).toEqual({
      status: 'available',
      unreadable: 0,
      newest: '2010',
      items: [
        {
          substance: 'Substance with penicillin structure and antibacterial mechanism of action (substance)',
          category: 'medication',
          criticality: 'high',
          reactions: [],
          recorded: '2010',
          source: undefined,
        },
      ],
    });
  });

  it('gives anastrozole through the referenced Medication, with its dose, and no critical flag', () => {
    expect(summary.medications.status).toBe('available');
    if (summary.medications.status !== 'available') return;
    expect(summary.medications.items).toEqual([
      {
        japaneseName: undefined,
        genericName: 'anastrozole',
        dose: '1 tablet, 1× per day',
        lastDispensed: '2015-03',
        source: undefined,
        flags: [],
      },
    ]);
    expect(summary.criticalFlags).toEqual({ status: 'complete', flags: [] });
  });

  it('gives the menopausal flushing condition with its ICD-10 code', () => {
    expect(summary.conditions).toMatchObject({
      status: 'available',
      newest: '2016-10',
      items: [{ name: 'Menopausal and female climacteric states', icd10: 'N95.1', clinicalStatus: 'active' }],
    });
  });

  it('marks the sections the bundle does not carry as unavailable, not empty', () => {
    for (const key of ['procedures', 'results', 'insurance'] as const)
      expect(summary[key]).toEqual({ status: 'unavailable', reason: 'section-missing' });
  });

  it('keeps the patient wrapped: the summary serialises without the name or birth date', () => {
    const text = JSON.stringify(summary);
    expect(text).not.toContain('DeLarosa');
    expect(text).not.toContain('1972-05-01');
    expect(summary.patient.reveal()).toEqual({
      name: 'DeLarosa Martha',
      birthDate: '1972-05-01',
      gender: 'female',
    });
  });

  it('parses the same from bytes, and bytes that are not JSON give an all-unavailable summary', () => {
    expect(parseIpsBytes(new TextEncoder().encode(fixtureText())).allergies).toEqual(summary.allergies);
    const broken = parseIpsBytes(new TextEncoder().encode(fixtureText().slice(0, 4000)));
    expect(broken.allergies).toEqual({ status: 'unavailable', reason: 'bundle-unreadable' });
    expect(broken.criticalFlags).toEqual({ status: 'unavailable', flags: [] });
  });
});
