import { describe, expect, it } from 'vitest';
import { parseHospitalStatus, PROBLEM, STATUS_ERROR, type HospitalStatus } from '../../src/dispatch/index.js';
import { goodStatus } from './arbitraries.js';

const problemsOf = (input: unknown) => {
  const r = parseHospitalStatus(input);
  if (r.ok) throw new Error('expected a rejection');
  expect(r.error.code).toBe(STATUS_ERROR.invalidStatus);
  return r.error.problems;
};

describe('hospital status schema', () => {
  it('accepts a complete status and keeps the note', () => {
    const r = parseHospitalStatus({ ...goodStatus('h-0001'), note: 'CT 点検中' });
    expect(r.ok && r.value.note).toBe('CT 点検中');
  });

  it('drops unknown fields, so newer hospital boxes stay readable', () => {
    const r = parseHospitalStatus({ ...goodStatus('h-0001'), helipad: true });
    expect(r.ok && 'helipad' in r.value).toBe(false);
  });

  it('names a missing field without throwing', () => {
    const rest: Partial<HospitalStatus> = goodStatus('h-0001');
    delete rest.erOpen;
    expect(problemsOf(rest)).toEqual([{ path: 'erOpen', code: PROBLEM.missing }]);
  });

  it('names a missing category inside accepts', () => {
    const accepts: Partial<HospitalStatus['accepts']> = { ...goodStatus('h-0001').accepts };
    delete accepts.stroke;
    expect(problemsOf({ ...goodStatus('h-0001'), accepts })).toEqual([
      { path: 'accepts.stroke', code: PROBLEM.missing },
    ]);
  });

  it('reports every bad field at once, in path order', () => {
    const bad = {
      ...goodStatus('h-0001'),
      hospitalId: 'Hospital One',
      beds: { free: -1, icuFree: 1.5 },
      loadPercent: 140,
      erOpen: 'yes',
    };
    expect(problemsOf(bad)).toEqual([
      { path: 'beds.free', code: PROBLEM.outOfRange },
      { path: 'beds.icuFree', code: PROBLEM.outOfRange },
      { path: 'erOpen', code: PROBLEM.wrongType },
      { path: 'hospitalId', code: PROBLEM.invalidFormat },
      { path: 'loadPercent', code: PROBLEM.outOfRange },
    ]);
  });

  it('rejects an over-long note without echoing it back', () => {
    const note = '患者'.repeat(200);
    const r = parseHospitalStatus({ ...goodStatus('h-0001'), note });
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).not.toContain(note);
  });

  it('rejects a payload that is not an object as a whole', () => {
    for (const input of [null, 42, 'status']) {
      expect(problemsOf(input)).toEqual([{ path: '', code: PROBLEM.wrongType }]);
    }
    expect(problemsOf(undefined)).toEqual([{ path: '', code: PROBLEM.missing }]);
  });
});
