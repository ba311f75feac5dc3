import type { Locale } from '../../gateway/index.js';
import { CARD_WORDS } from './card-text.js';
import { PATIENT_WORDS } from './patients-text.js';
import { REPORT_WORDS } from './report-text.js';
import { SUMMARY_WORDS } from './summary-text.js';

/**
 * The tablet flow's words, one file per panel (each with its Japanese and English side by side), read
 * through one `say`: a key names its panel (`report.hr`, `summary.flags`), so no two files share one.
 * The card-less lookup and the お薬手帳 QR keep sayers of their own (lookup-text.ts, qr-text.ts).
 */
const JA = { ...CARD_WORDS.ja, ...PATIENT_WORDS.ja, ...SUMMARY_WORDS.ja, ...REPORT_WORDS.ja };

export type TextKey = keyof typeof JA;

const EN: Readonly<Record<TextKey, string>> = {
  ...CARD_WORDS.en,
  ...PATIENT_WORDS.en,
  ...SUMMARY_WORDS.en,
  ...REPORT_WORDS.en,
};

export type Say = (key: TextKey) => string;

export const sayer = (locale: Locale): Say => (locale === 'en' ? (k) => EN[k] : (k) => JA[k]);
