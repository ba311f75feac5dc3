/**
 * The drug-class table behind the critical medication flags (docs/drug-classes.md explains each row).
 * Pure data and a pure classifier: a medication is flagged when any of its codings starts with a
 * listed prefix of its code system.
 */

/** Flags that change emergency care; the order is the order the crew sees them. */
export const CRITICAL_FLAGS = [
  'anticoagulant',
  'antiplatelet',
  'insulin',
  'glucose-lowering',
  'systemic-steroid',
  'antiepileptic',
  'opioid',
  'immunosuppressant',
] as const;
export type CriticalFlag = (typeof CRITICAL_FLAGS)[number];

/** WHO ATC/DDD index. */
export const ATC_SYSTEM = 'http://www.whocc.no/atc';
/** YJ code (個別医薬品コード), as JP Core names it. */
export const YJ_SYSTEM = 'urn:oid:1.2.392.100495.20.1.73';

export interface DrugClassRule {
  readonly flag: CriticalFlag;
  /** ATC code prefixes (WHO ATC levels 2–4). */
  readonly atc: readonly string[];
  /**
   * YJ code prefixes: the first 3–4 digits of a YJ code are the 薬効分類 (Japan Standard Commodity
   * Classification No. 87 therapeutic category). Empty where the Japanese category is too broad to
   * identify the class (the ATC rule still applies).
   */
  readonly yj: readonly string[];
}

export const DRUG_CLASS_TABLE: readonly DrugClassRule[] = [
  // B01AA vitamin K antagonists, B01AB heparins, B01AE direct thrombin inhibitors, B01AF direct factor
  // Xa inhibitors. 薬効分類 333 血液凝固阻止剤 (warfarin 3332, heparin 3334, DOACs 3339).
  { flag: 'anticoagulant', atc: ['B01AA', 'B01AB', 'B01AE', 'B01AF'], yj: ['333'] },
  // B01AC platelet aggregation inhibitors excl. heparin (low-dose aspirin B01AC06, clopidogrel B01AC04).
  // Japanese antiplatelets sit in 3399 その他の血液・体液用薬, which also holds non-antiplatelets.
  { flag: 'antiplatelet', atc: ['B01AC'], yj: [] },
  // A10A insulins and analogues. 薬効分類 2492 すい臓ホルモン剤 (insulin preparations).
  { flag: 'insulin', atc: ['A10A'], yj: ['2492'] },
  // A10B blood glucose lowering drugs excl. insulins. 薬効分類 396 糖尿病用剤.
  { flag: 'glucose-lowering', atc: ['A10B'], yj: ['396'] },
  // H02 corticosteroids for systemic use. 薬効分類 245 副腎ホルモン剤 (topical steroids are 264).
  { flag: 'systemic-steroid', atc: ['H02'], yj: ['245'] },
  // N03 antiepileptics. 薬効分類 113 抗てんかん剤.
  { flag: 'antiepileptic', atc: ['N03'], yj: ['113'] },
  // N02A opioid analgesics, R05DA opium alkaloid antitussives (codeine), N07BC opioid dependence
  // (methadone, buprenorphine). 薬効分類 811 あへんアルカロイド系麻薬, 821 合成麻薬.
  { flag: 'opioid', atc: ['N02A', 'R05DA', 'N07BC'], yj: ['811', '821'] },
  // L04 immunosuppressants (tacrolimus L04AD02, methotrexate L04AX03). Japanese immunosuppressants sit
  // in 3999 他に分類されない代謝性医薬品, far too broad to use.
  { flag: 'immunosuppressant', atc: ['L04'], yj: [] },
];

export interface CodeRef {
  readonly system?: string | undefined;
  readonly code?: string | undefined;
}

const normalise = (code: string): string => code.replace(/\s+/g, '').toUpperCase();

/** The critical flags of one medication from its codings, in CRITICAL_FLAGS order, without repeats. */
export const classifyMedication = (codings: readonly CodeRef[]): readonly CriticalFlag[] => {
  const found = new Set<CriticalFlag>();
  for (const coding of codings) {
    if (coding.code === undefined) continue;
    const code = normalise(coding.code);
    for (const rule of DRUG_CLASS_TABLE) {
      const prefixes = coding.system === ATC_SYSTEM ? rule.atc : coding.system === YJ_SYSTEM ? rule.yj : [];
      if (prefixes.some((p) => code.startsWith(p))) found.add(rule.flag);
    }
  }
  return CRITICAL_FLAGS.filter((flag) => found.has(flag));
};
