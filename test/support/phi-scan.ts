import { readFileSync, existsSync } from 'node:fs';
import { identifyingStrings, population } from '../../src/sim/index.js';

/** Seeds the tests draw synthetic holders from; the scan covers the first holders of each. */
export const SCANNED_SEEDS = [0, 1, 2, 3, 7, 42] as const;
const HOLDERS_PER_SEED = 200;

export interface PhiFinding {
  readonly line: number;
  /** Which kind of value matched; the value itself is not repeated. */
  readonly holder: string;
}

let vocabulary: readonly string[] | undefined;

/** Every identifying string of every scanned synthetic holder (names, birth dates, serials, …). */
export const phiVocabulary = (): readonly string[] => {
  vocabulary ??= SCANNED_SEEDS.flatMap((seed) =>
    population(seed, HOLDERS_PER_SEED).flatMap((h) => identifyingStrings(h)),
  );
  return vocabulary;
};

/** Lines of a captured log that contain any vocabulary string. */
export const scanForPhi = (text: string, words: readonly string[] = phiVocabulary()): PhiFinding[] => {
  const findings: PhiFinding[] = [];
  text.split('\n').forEach((line, i) => {
    const index = words.findIndex((w) => line.includes(w));
    if (index >= 0) findings.push({ line: i + 1, holder: `vocabulary entry #${index}` });
  });
  return findings;
};

export const scanFile = (file: string): PhiFinding[] =>
  existsSync(file) ? scanForPhi(readFileSync(file, 'utf8')) : [];
