import type { Words } from '../text.js';

type Key =
  | 'legend'
  | 'level'
  | 'jtas.1'
  | 'jtas.2'
  | 'jtas.3'
  | 'jtas.4'
  | 'jtas.5'
  | 'dispatch.1'
  | 'dispatch.2'
  | 'dispatch.3'
  | 'dispatch.4'
  | 'dispatch.5';

/**
 * Acuity 1–5 as the report carries it, with the JTAS level the hospital uses (蘇生/緊急/準緊急/低緊急/
 * 非緊急, same numbers) and the dispatch centre's categories (重篤/重症/中等症/軽症): 4 and 5 both
 * fall under 軽症 there.
 */
export const text: Words<Key> = {
  ja: {
    legend: '緊急度の目安（JTAS・指令の区分）',
    level: '緊急度',
    'jtas.1': 'JTAS 1 蘇生',
    'jtas.2': 'JTAS 2 緊急',
    'jtas.3': 'JTAS 3 準緊急',
    'jtas.4': 'JTAS 4 低緊急',
    'jtas.5': 'JTAS 5 非緊急',
    'dispatch.1': '重篤',
    'dispatch.2': '重症',
    'dispatch.3': '中等症',
    'dispatch.4': '軽症',
    'dispatch.5': '軽症',
  },
  en: {
    legend: 'Acuity scale (JTAS and dispatch categories)',
    level: 'Acuity',
    'jtas.1': 'JTAS 1 resuscitation',
    'jtas.2': 'JTAS 2 emergent',
    'jtas.3': 'JTAS 3 urgent',
    'jtas.4': 'JTAS 4 less urgent',
    'jtas.5': 'JTAS 5 non-urgent',
    'dispatch.1': 'critical',
    'dispatch.2': 'serious',
    'dispatch.3': 'moderate',
    'dispatch.4': 'minor',
    'dispatch.5': 'minor',
  },
};
