import { readFileSync, existsSync } from 'node:fs';
import { identifyingStrings, population } from '../../src/sim/index.js';
import { medicalRecord } from '../../src/sim/records/index.js';

/** Seeds the tests draw synthetic holders from; the scan covers the first holders of each. */
export const SCANNED_SEEDS = [0, 1, 2, 3, 7, 42] as const;
const HOLDERS_PER_SEED = 200;

export interface PhiFinding {
  readonly line: number;
  /** Which kind of value matched; the value itself is not repeated. */
  readonly holder: string;
}

let vocabulary: readonly string[] | undefined;

/**
 * Clinical strings of the synthetic records (drug names in Japanese and generic, allergy substances) are
 * patient data too once tied to a holder. Very short strings (under 3 characters in Japanese, under 6
 * otherwise: 卵, えび, egg) are left out, so ordinary words never match.
 */
const clinicalStrings = (seed: number, index: number): string[] => {
  const record = medicalRecord(seed, index);
  return [
    ...record.medications.flatMap((m) => [m.drug.ja, m.drug.generic]),
    ...record.allergies.flatMap((a) => [a.def.ja, a.def.en]),
  ].filter((s) => s.length >= (/^[ -~]*$/.test(s) ? 6 : 3));
};

/** Every identifying string of every scanned synthetic holder (names, birth dates, serials, drugs, …). */
export const phiVocabulary = (): readonly string[] => {
  vocabulary ??= [
    ...new Set(
      SCANNED_SEEDS.flatMap((seed) =>
        population(seed, HOLDERS_PER_SEED).flatMap((h) => [
          ...identifyingStrings(h),
          ...clinicalStrings(seed, h.index),
        ]),
      ),
    ),
  ];
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
