import { describe, expect, it } from 'vitest';
import { ageBandText } from '../../src/roles/dispatch-text.js';

/** The incident form's age band select and the hospitals' inquiry alerts say an age band this way. */
describe('age band words', () => {
  it('says the open band as Japanese writes it: 90歳以上, never 90以上歳', () => {
    expect(ageBandText('ja', '90+')).toBe('90歳以上');
    expect(ageBandText('ja', '65-74')).toBe('65-74歳');
  });

  it('says years in English in full, so the chosen band never reads as cut off ("65-74 y")', () => {
    expect(ageBandText('en', '65-74')).toBe('65-74 years');
    expect(ageBandText('en', '90+')).toBe('90+ years');
  });
});
