import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/index.js';
import { DRUGS } from '../../src/sim/records/index.js';
import { phiVocabulary, scanForPhi } from '../support/phi-scan.js';

const logged = (fields: Record<string, string>): string => {
  const lines: string[] = [];
  createLogger({ sink: (l) => lines.push(l) }).info('records summary request', fields);
  return lines.join('');
};

describe('the suite-wide log scan knows the synthetic population’s drugs and allergies', () => {
  it('includes drug names in Japanese and generic, and allergy substances, as generated for holders', () => {
    const words = new Set(phiVocabulary());
    expect(
      words.has(DRUGS.warfarin.ja) || words.has(DRUGS.apixaban.ja) || words.has(DRUGS.amlodipine.ja),
    ).toBe(true);
    expect(words.has('amlodipine')).toBe(true);
    expect(words.has('ペニシリン系抗菌薬')).toBe(true);
  });

  it('finds a drug name in a log line', () => {
    expect(scanForPhi(logged({ drug: 'amlodipine' }))).toHaveLength(1);
    expect(scanForPhi(logged({ drug: DRUGS.amlodipine.ja }))).toHaveLength(1);
  });

  it('leaves out very short strings, so ordinary log lines do not match', () => {
    const words = new Set(phiVocabulary());
    for (const short of ['卵', 'えび', 'かに', 'そば', '小麦', 'wheat', 'crab'])
      expect(words.has(short)).toBe(false);
    expect(scanForPhi(logged({ outcome: 'ok', source: 'upstream', note: 'egg crab wheat 卵 えび' }))).toEqual(
      [],
    );
  });
});
