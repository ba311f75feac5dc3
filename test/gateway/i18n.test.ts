import { describe, expect, it } from 'vitest';
import { formatJst, relativeAge, translator } from '../../src/gateway/index.js';

describe('i18n', () => {
  it('formats times in JST whatever the host zone', () => {
    expect(formatJst(Date.UTC(2025, 2, 31, 15, 30))).toBe('2025-04-01 00:30 JST');
  });

  it('says the age in Japanese and in English', () => {
    const now = Date.UTC(2025, 3, 1, 12, 0);
    expect(relativeAge(now - 3 * 60_000, now, translator('ja'))).toBe('3分前');
    expect(relativeAge(now - 3 * 60_000, now, translator('en'))).toBe('3 min ago');
    expect(relativeAge(now - 30_000, now, translator('ja'))).toBe('たった今');
    expect(relativeAge(now - 5 * 3600_000, now, translator('en'))).toBe('5 h ago');
    expect(relativeAge(now - 49 * 3600_000, now, translator('ja'))).toBe('2日前');
  });
});
