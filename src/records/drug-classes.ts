/**
 * The drug-class table behind the critical medication flags (docs/drug-classes.md explains each row).
 * Pure data and a pure classifier: a medication is flagged when any of its codings starts with a
 * listed prefix of its code system.
 */
import type { DrugCatalogue } from './drug-classes-catalogue.js';
import { normaliseDrugName } from './drug-classes-names.js';

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

/**
 * YJ code (個別医薬品コード) under every system URI in use: JP Core's, the 2.73 OID of the JAMI
 * code-system list (seen with insulin), and the URI the JP Core / ePrescription IGs list for the
 * YJ-code list.
 */
export const YJ_SYSTEMS: readonly string[] = [
  YJ_SYSTEM,
  'urn:oid:1.2.392.100495.20.2.73',
  'http://capstandard.jp/iyaku.info/CodeSystem/YJ-code',
];

export interface DrugInput {
  readonly codings: readonly CodeRef[];
  /** Product or ingredient names (display, text), matched against the catalogue. */
  readonly names: readonly string[];
}

/**
 * `classified: true`: we know with confidence which critical classes (possibly none) apply.
 * `classified: false`: the drug could not be placed; `flags` holds whatever was still found (a
 * combination product may be flagged by one coding yet not placed whole).
 */
export type DrugClassification =
  | { readonly classified: true; readonly flags: readonly CriticalFlag[]; readonly basis: string }
  | { readonly classified: false; readonly flags: readonly CriticalFlag[]; readonly why: string };

/**
 * 薬効分類 that mix critical and other drugs: a code in them is not classified by its category
 * (3399 antiplatelets and others, 3999 immunosuppressants and others, 1149 tramadol among other
 * analgesics, 2499 GLP-1 agonists among other hormones).
 */
const MIXED_CATEGORIES = ['1149', '2499', '3399', '3999'];

const ATC_CODE = /^[A-Z][0-9]{2}[A-Z]{2}([0-9]{2})?$/;
const YJ_CODE = /^[0-9]{4}/;

const normalise = (code: string): string => code.replace(/\s+/g, '').toUpperCase();

const inCrewOrder = (flags: Iterable<CriticalFlag>): readonly CriticalFlag[] => {
  const found = new Set(flags);
  return CRITICAL_FLAGS.filter((flag) => found.has(flag));
};

type CodingResult =
  | { readonly classified: true; readonly flags: readonly CriticalFlag[]; readonly basis: string }
  | { readonly classified: false; readonly why: string }
  | undefined;

const byPrefix = (code: string, pick: (rule: DrugClassRule) => readonly string[]): CriticalFlag[] =>
  DRUG_CLASS_TABLE.filter((rule) => pick(rule).some((p) => code.startsWith(p))).map((r) => r.flag);

const classifyCoding = (coding: CodeRef): CodingResult => {
  if (coding.code === undefined || coding.system === undefined) return undefined;
  const code = normalise(coding.code);
  if (coding.system === ATC_SYSTEM) {
    if (!ATC_CODE.test(code)) return { classified: false, why: `ATC code ${code} is not at level 4 or 5` };
    return { classified: true, flags: byPrefix(code, (r) => r.atc), basis: `atc:${code.slice(0, 5)}` };
  }
  if (YJ_SYSTEMS.includes(coding.system)) {
    if (!YJ_CODE.test(code)) return { classified: false, why: 'YJ code does not start with a 薬効分類' };
    const category = code.slice(0, 4);
    if (MIXED_CATEGORIES.includes(category)) {
      return { classified: false, why: `薬効分類 ${category} mixes critical and other drugs` };
    }
    return { classified: true, flags: byPrefix(category, (r) => r.yj), basis: `yj:${category}` };
  }
  return undefined;
};

/**
 * Classifies one medication from its codings (and, with a catalogue, its names). A drug is
 * classified when any coding of a known system places it; flags found by several codings are united.
 */
export const classifyDrug = (input: DrugInput, catalogue?: DrugCatalogue): DrugClassification => {
  const results = input.codings.map(classifyCoding).filter((r) => r !== undefined);
  if (catalogue !== undefined) {
    for (const name of input.names) {
      const products = catalogue.byName.get(normaliseDrugName(name)) ?? [];
      for (const product of products) {
        const r = classifyCoding({ system: YJ_SYSTEM, code: product.code });
        if (r !== undefined) results.push(r);
      }
    }
  }
  const placed = results.filter((r) => r.classified);
  const flags = inCrewOrder(placed.flatMap((r) => r.flags));
  if (placed.length > 0)
    return { classified: true, flags, basis: [...new Set(placed.map((r) => r.basis))].join(' ') };
  const why = results.find((r) => !r.classified)?.why;
  return { classified: false, flags, why: why ?? 'no coding of a known drug code system' };
};

/** The critical flags of one medication from its codings, in CRITICAL_FLAGS order, without repeats. */
export const classifyMedication = (codings: readonly CodeRef[]): readonly CriticalFlag[] =>
  classifyDrug({ codings, names: [] }).flags;
