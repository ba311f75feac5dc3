import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBody, encodeBody, type ReportBody } from '../../src/hospital-feed/index.js';
import {
  ASSURANCE_CODE,
  STRONG_MATCH,
  assuranceCode,
  assuranceStrength,
  fhirAssuranceLevel,
  statedAssurance,
  type IdentityAssurance,
} from '../../src/summary/index.js';
import { sampleReport } from '../support/feed/sample.js';

const assurance: fc.Arbitrary<IdentityAssurance> = fc.oneof(
  fc.constant({ method: 'card-pin' } as const),
  fc.constant({ method: 'card-visual', attester: 'crew-a' } as const),
  fc.record({
    method: fc.constantFrom('insurer-number' as const, 'four-items' as const),
    score: fc.integer({ min: 0, max: 100 }),
    confirmedBy: fc.constant('crew-b'),
  }),
  fc.constant({ method: 'crew-entered' } as const),
);

const reportWith = (identity: IdentityAssurance | undefined): ReportBody => ({
  reportId: 'report-0001',
  ...sampleReport(1),
  ...(identity === undefined ? {} : { identity }),
});

describe('identity assurance (issue 13)', () => {
  it('a report without it (older gateways) reads as not stated, never as a card read', () => {
    const bytes = encodeBody({ kind: 'report', body: reportWith(undefined) });
    expect(bytes.ok).toBe(true);
    if (!bytes.ok) return;
    const decoded = decodeBody('report', bytes.value);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok || decoded.value.kind !== 'report') return;
    const stated = statedAssurance(decoded.value.body.identity);
    expect(stated).toEqual({ method: 'not-stated' });
    expect(assuranceStrength(stated)).toBe('weak');
    expect(fhirAssuranceLevel(stated)).toBeUndefined();
    expect(assuranceCode(stated)).toBe('not-stated');
  });

  it('travels in the report unchanged, and its code is bounded vocabulary', () => {
    fc.assert(
      fc.property(assurance, (a) => {
        const bytes = encodeBody({ kind: 'report', body: reportWith(a) });
        if (!bytes.ok) return false;
        const decoded = decodeBody('report', bytes.value);
        return (
          decoded.ok &&
          decoded.value.kind === 'report' &&
          JSON.stringify(decoded.value.body.identity) === JSON.stringify(a) &&
          ASSURANCE_CODE.test(assuranceCode(a))
        );
      }),
    );
  });

  it('a lookup is strong only at or above the threshold; crew-entered is weak; a card is strong', () => {
    fc.assert(
      fc.property(assurance, (a) => {
        const strength = assuranceStrength(a);
        switch (a.method) {
          case 'card-pin':
          case 'card-visual':
            return strength === 'strong';
          case 'crew-entered':
            return strength === 'weak' && fhirAssuranceLevel(a) === 'level1';
          case 'four-items':
          case 'insurer-number':
            return (strength === 'strong') === a.score >= STRONG_MATCH;
          default:
            return a satisfies never;
        }
      }),
    );
    expect(fhirAssuranceLevel({ method: 'card-pin' })).toBe('level3');
    expect(fhirAssuranceLevel({ method: 'four-items', score: STRONG_MATCH - 1, confirmedBy: 'c' })).toBe(
      'level1',
    );
  });

  it('a malformed assurance is refused with its path, the value never echoed', () => {
    for (const identity of [
      { method: 'card' },
      { method: 'four-items', score: 101, confirmedBy: 'crew-a' },
      { method: 'four-items', score: 80 },
      { method: 'card-visual', attester: '山田 太郎' },
    ]) {
      const body = { ...reportWith(undefined), identity } as unknown as ReportBody;
      const encoded = encodeBody({ kind: 'report', body });
      expect(encoded.ok).toBe(false);
      if (encoded.ok) continue;
      expect(encoded.error.paths.some((p) => p.startsWith('identity'))).toBe(true);
      expect(JSON.stringify(encoded.error)).not.toContain('山田');
    }
  });
});
