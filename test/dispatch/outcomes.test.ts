import { describe, expect, it } from 'vitest';
import {
  computeOutcomeKpis,
  isStrokeCode,
  strokeCapable,
  type OutcomeFact,
} from '../../src/dispatch/index.js';
import { goodStatus } from './arbitraries.js';

const fact = (caseId: string, patch: Partial<OutcomeFact> = {}): OutcomeFact => ({
  caseId,
  hospitalId: 'hosp-a',
  icd10: 'J18.9',
  disposition: 'admitted',
  at: 1_000,
  ...patch,
});

describe('outcome KPIs (docs/dispatch.md, "Outcome KPIs")', () => {
  it('reads I60–I64 as acute stroke and nothing around it', () => {
    expect(['I60', 'I61.0', 'I62.9', 'I63.9', 'I64'].map(isStrokeCode)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['I59.9', 'I65.2', 'I69.3', 'G45.9', 'S06.5'].map(isStrokeCode)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('stroke-capable needs stroke acceptance and CT', () => {
    const s = goodStatus('hosp-a');
    expect(
      strokeCapable({
        ...s,
        accepts: { ...s.accepts, stroke: true },
        equipment: { ...s.equipment, ct: true },
      }),
    ).toBe(true);
    expect(
      strokeCapable({
        ...s,
        accepts: { ...s.accepts, stroke: true },
        equipment: { ...s.equipment, ct: false },
      }),
    ).toBe(false);
    expect(
      strokeCapable({
        ...s,
        accepts: { ...s.accepts, stroke: false },
        equipment: { ...s.equipment, ct: true },
      }),
    ).toBe(false);
  });

  it('counts stroke patients by diagnosis or dispatch category, the share sent to capable hospitals, and the category confirmed', () => {
    const kpis = computeOutcomeKpis([
      fact('case-1', { icd10: 'I63.9', category: 'stroke', strokeCapable: true, disposition: 'icu' }),
      fact('case-2', { icd10: 'I61.0', strokeCapable: false }),
      fact('case-3', { icd10: 'R42', category: 'stroke', strokeCapable: true, disposition: 'discharged' }),
      fact('case-4', { icd10: 'I63.4' }),
      fact('case-5', { icd10: 'S72.0', category: 'trauma', strokeCapable: false }),
    ]);
    expect(kpis.outcomes).toBe(5);
    expect(kpis.byDisposition).toEqual({ admitted: 3, icu: 1, transferred: 0, discharged: 1, died: 0 });
    // Stroke patients: 1, 2, 3 (category), 4 (capability unknown: left out of the share).
    expect(kpis.stroke).toEqual({ patients: 4, known: 3, toStrokeCapable: 2, share: 2 / 3 });
    expect(kpis.strokeDispatch).toEqual({ cases: 2, confirmed: 1, share: 0.5 });
  });

  it('counts a corrected outcome once, the latest standing; empty figures are null', () => {
    const kpis = computeOutcomeKpis([
      fact('case-1', { icd10: 'I63.9', strokeCapable: true, at: 1 }),
      fact('case-1', { icd10: 'G45.9', strokeCapable: true, at: 2 }),
    ]);
    expect(kpis.outcomes).toBe(1);
    expect(kpis.stroke).toEqual({ patients: 0, known: 0, toStrokeCapable: 0, share: null });
    expect(kpis.strokeDispatch.share).toBeNull();
  });
});
