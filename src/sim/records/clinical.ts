import type { DrugKey } from './drugs.js';

/**
 * Curated clinical tables for the synthetic population: conditions with ICD-10 codes and the drugs
 * that treat them, allergies (drug, food, contrast, latex), procedures and checkup tests (LOINC).
 * Rates are rough shapes of Japanese practice, enough for realistic mixes; not epidemiology.
 */

/** Probability by age band: under 15, 15–64, 65–84, 85 and over. */
export type AgeRates = readonly [number, number, number, number];

export interface Treatment {
  /** One of these is prescribed. */
  readonly oneOf: readonly DrugKey[];
  /** Probability that this line of treatment is prescribed at all. */
  readonly p: number;
}

export interface ConditionDef {
  readonly icd10: string;
  readonly en: string;
  readonly ja: string;
  readonly rates: AgeRates;
  readonly sex?: 'male' | 'female';
  readonly treatments: readonly Treatment[];
  /** A procedure this condition may have led to, with its probability. */
  readonly procedure?: { readonly key: ProcedureKey; readonly p: number };
}

const t = (p: number, ...oneOf: DrugKey[]): Treatment => ({ p, oneOf });

export const CONDITIONS: readonly ConditionDef[] = [
  {
    icd10: 'I10',
    en: 'Essential (primary) hypertension',
    ja: '本態性高血圧症',
    rates: [0, 0.15, 0.5, 0.6],
    treatments: [t(0.9, 'amlodipine', 'losartan'), t(0.3, 'losartan')],
  },
  {
    icd10: 'E78.5',
    en: 'Hyperlipidaemia, unspecified',
    ja: '脂質異常症',
    rates: [0, 0.1, 0.35, 0.3],
    treatments: [t(0.85, 'atorvastatin', 'rosuvastatin')],
  },
  {
    icd10: 'E11.9',
    en: 'Type 2 diabetes mellitus without complications',
    ja: '2型糖尿病',
    rates: [0, 0.06, 0.2, 0.2],
    treatments: [
      t(0.9, 'metformin', 'sitagliptin', 'empagliflozin', 'glimepiride'),
      t(0.3, 'sitagliptin'),
      t(0.2, 'insulinGlargine'),
    ],
  },
  {
    icd10: 'E10.9',
    en: 'Type 1 diabetes mellitus without complications',
    ja: '1型糖尿病',
    rates: [0.003, 0.003, 0.002, 0.001],
    treatments: [t(1, 'insulinGlargine'), t(1, 'insulinAspart')],
  },
  {
    icd10: 'I48.9',
    en: 'Atrial fibrillation and atrial flutter, unspecified',
    ja: '心房細動',
    rates: [0, 0.01, 0.08, 0.15],
    treatments: [
      t(0.85, 'apixaban', 'rivaroxaban', 'edoxaban', 'warfarin', 'dabigatran'),
      t(0.4, 'bisoprolol'),
    ],
  },
  {
    icd10: 'I25.1',
    en: 'Atherosclerotic heart disease',
    ja: '冠動脈疾患',
    rates: [0, 0.02, 0.1, 0.12],
    treatments: [t(0.9, 'aspirin'), t(0.4, 'clopidogrel', 'prasugrel')],
    procedure: { key: 'pci', p: 0.4 },
  },
  {
    icd10: 'I63.9',
    en: 'Cerebral infarction, unspecified',
    ja: '脳梗塞',
    rates: [0, 0.01, 0.06, 0.1],
    treatments: [t(0.85, 'clopidogrel', 'cilostazol', 'aspirin')],
  },
  {
    icd10: 'I50.9',
    en: 'Heart failure, unspecified',
    ja: '心不全',
    rates: [0, 0.005, 0.05, 0.12],
    treatments: [t(0.9, 'furosemide'), t(0.6, 'bisoprolol')],
  },
  {
    icd10: 'G40.9',
    en: 'Epilepsy, unspecified',
    ja: 'てんかん',
    rates: [0.01, 0.01, 0.01, 0.01],
    treatments: [t(0.95, 'levetiracetam', 'valproate', 'carbamazepine', 'lamotrigine', 'phenytoin')],
  },
  {
    icd10: 'J45.9',
    en: 'Asthma, unspecified',
    ja: '気管支喘息',
    rates: [0.06, 0.05, 0.05, 0.04],
    treatments: [t(0.15, 'prednisolone')],
  },
  {
    icd10: 'J44.9',
    en: 'Chronic obstructive pulmonary disease, unspecified',
    ja: '慢性閉塞性肺疾患',
    rates: [0, 0.01, 0.05, 0.06],
    treatments: [t(0.8, 'tiotropium'), t(0.1, 'prednisolone')],
  },
  {
    icd10: 'M06.9',
    en: 'Rheumatoid arthritis, unspecified',
    ja: '関節リウマチ',
    rates: [0, 0.006, 0.012, 0.01],
    treatments: [t(0.8, 'methotrexate'), t(0.5, 'prednisolone')],
  },
  {
    icd10: 'C34.9',
    en: 'Malignant neoplasm of bronchus or lung, unspecified',
    ja: '肺癌',
    rates: [0, 0.002, 0.012, 0.01],
    treatments: [t(0.6, 'oxycodone', 'morphine', 'fentanyl'), t(0.3, 'dexamethasone')],
  },
  {
    icd10: 'N18.9',
    en: 'Chronic kidney disease, unspecified',
    ja: '慢性腎臓病',
    rates: [0, 0.02, 0.1, 0.15],
    treatments: [],
  },
  {
    icd10: 'Z94.0',
    en: 'Kidney transplant status',
    ja: '腎移植後',
    rates: [0, 0.002, 0.002, 0],
    treatments: [t(1, 'tacrolimus', 'ciclosporin'), t(0.8, 'mycophenolate'), t(0.7, 'prednisolone')],
    procedure: { key: 'kidneyTransplant', p: 1 },
  },
  {
    icd10: 'E03.9',
    en: 'Hypothyroidism, unspecified',
    ja: '甲状腺機能低下症',
    rates: [0, 0.02, 0.04, 0.04],
    treatments: [t(0.95, 'levothyroxine')],
  },
  {
    icd10: 'K21.9',
    en: 'Gastro-oesophageal reflux disease without oesophagitis',
    ja: '胃食道逆流症',
    rates: [0, 0.05, 0.12, 0.12],
    treatments: [t(0.9, 'lansoprazole', 'famotidine')],
  },
  {
    icd10: 'F03',
    en: 'Unspecified dementia',
    ja: '認知症',
    rates: [0, 0, 0.05, 0.2],
    treatments: [t(0.7, 'donepezil')],
  },
  {
    icd10: 'M17.9',
    en: 'Gonarthrosis, unspecified',
    ja: '変形性膝関節症',
    rates: [0, 0.02, 0.15, 0.2],
    treatments: [t(0.6, 'paracetamol'), t(0.15, 'tramadol')],
    procedure: { key: 'kneeReplacement', p: 0.1 },
  },
  {
    icd10: 'N40',
    en: 'Hyperplasia of prostate',
    ja: '前立腺肥大症',
    rates: [0, 0.02, 0.2, 0.3],
    sex: 'male',
    treatments: [t(0.9, 'tamsulosin')],
  },
  {
    icd10: 'G47.0',
    en: 'Disorders of initiating and maintaining sleep',
    ja: '不眠症',
    rates: [0, 0.03, 0.08, 0.1],
    treatments: [t(0.8, 'zolpidem')],
  },
  {
    icd10: 'K59.0',
    en: 'Constipation',
    ja: '便秘症',
    rates: [0, 0.02, 0.1, 0.2],
    treatments: [t(0.9, 'magnesiumOxide')],
  },
];

export interface AllergyDef {
  readonly ja: string;
  readonly en: string;
  readonly category: 'medication' | 'food' | 'environment';
  /** Contrast media are medications to FHIR; kept apart because the crew and the ER ask for them. */
  readonly contrast?: true;
  /** SNOMED CT substance code, where one is certain. */
  readonly snomed?: string;
  /**
   * J-FAGY allergen code (JAMI / University of Tokyo, CodeSystem JP_JfagyFoodAllergen_CS or
   * JP_JfagyNonFoodNonMedicationAllergen_CS, version 20240709), where the allergen is in it.
   */
  readonly jfagy?: { readonly system: JfagySystem; readonly code: string; readonly display: string };
  readonly p: number;
}

export const JFAGY_FOOD_SYSTEM = 'http://jpfhir.jp/fhir/core/CodeSystem/JP_JfagyFoodAllergen_CS';
export const JFAGY_NON_FOOD_SYSTEM =
  'http://jpfhir.jp/fhir/core/CodeSystem/JP_JfagyNonFoodNonMedicationAllergen_CS';
type JfagySystem = typeof JFAGY_FOOD_SYSTEM | typeof JFAGY_NON_FOOD_SYSTEM;
const food = (code: string, display: string) => ({ system: JFAGY_FOOD_SYSTEM, code, display }) as const;

export const ALLERGIES: readonly AllergyDef[] = [
  // SNOMED CT 373270004 |Substance with penicillin structure and antibacterial mechanism of action|.
  { ja: 'ペニシリン系抗菌薬', en: 'penicillins', category: 'medication', snomed: '373270004', p: 0.04 },
  { ja: 'セフェム系抗菌薬', en: 'cephalosporins', category: 'medication', p: 0.02 },
  { ja: 'ロキソプロフェンナトリウム', en: 'loxoprofen', category: 'medication', p: 0.015 },
  { ja: 'アスピリン（解熱鎮痛剤）', en: 'aspirin (analgesic doses)', category: 'medication', p: 0.01 },
  { ja: 'ヨード造影剤', en: 'iodinated contrast media', category: 'medication', contrast: true, p: 0.02 },
  {
    ja: 'ガドリニウム造影剤',
    en: 'gadolinium-based contrast agents',
    category: 'medication',
    contrast: true,
    p: 0.005,
  },
  { ja: 'そば', en: 'buckwheat', category: 'food', jfagy: food('J9FA19140000', 'そば'), p: 0.01 },
  { ja: '小麦', en: 'wheat', category: 'food', jfagy: food('J9FA15000000', '小麦'), p: 0.01 },
  { ja: '鶏卵', en: 'hen egg', category: 'food', jfagy: food('J9FB13110000', '鶏卵'), p: 0.015 },
  { ja: '牛乳', en: "cow's milk", category: 'food', jfagy: food('J9FB12110011', '牛乳'), p: 0.01 },
  { ja: 'えび', en: 'shrimp', category: 'food', jfagy: food('J9FC15110000', 'えび'), p: 0.015 },
  { ja: 'かに', en: 'crab', category: 'food', jfagy: food('J9FC15120000', 'かに'), p: 0.01 },
  { ja: '落花生', en: 'peanut', category: 'food', jfagy: food('J9FA21180000', '落花生'), p: 0.008 },
  {
    ja: '天然ゴムラテックス',
    en: 'natural rubber latex',
    category: 'environment',
    jfagy: { system: JFAGY_NON_FOOD_SYSTEM, code: 'J9NP14110000', display: 'ラテックス（天然ゴム）' },
    p: 0.005,
  },
];

export const REACTIONS = [
  { ja: 'アナフィラキシー', severe: true },
  { ja: '血圧低下', severe: true },
  { ja: '呼吸困難', severe: true },
  { ja: '蕁麻疹', severe: false },
  { ja: '発疹', severe: false },
  { ja: '嘔吐', severe: false },
] as const;

export const PROCEDURES = {
  // Names as in the Japanese fee schedule (診療報酬点数表) with its section number.
  pci: { ja: '経皮的冠動脈ステント留置術 (K549)', minAge: 30 },
  kidneyTransplant: { ja: '生体腎移植術 (K780-2)', minAge: 15 },
  kneeReplacement: { ja: '人工関節置換術 膝 (K082)', minAge: 50 },
  cataract: { ja: '水晶体再建術 (K282)', minAge: 55 },
  appendectomy: { ja: '虫垂切除術 (K718)', minAge: 5 },
  polypectomy: { ja: '内視鏡的大腸ポリープ・粘膜切除術 (K721)', minAge: 35 },
  cholecystectomy: { ja: '腹腔鏡下胆嚢摘出術 (K672-2)', minAge: 25 },
} as const;
export type ProcedureKey = keyof typeof PROCEDURES;

/** Procedures that happen without a listed condition, with their probability over five years. */
export const OTHER_PROCEDURES: readonly { readonly key: ProcedureKey; readonly p: number }[] = [
  { key: 'cataract', p: 0.12 },
  { key: 'appendectomy', p: 0.02 },
  { key: 'polypectomy', p: 0.06 },
  { key: 'cholecystectomy', p: 0.02 },
];

export interface CheckupTest {
  readonly loinc: string;
  readonly display: string;
  readonly ja: string;
  /** UCUM unit. */
  readonly unit: string;
  readonly decimals: number;
  /** Normal range to draw from; `high` is used when a listed condition raises the value. */
  readonly normal: readonly [number, number];
  readonly high: readonly [number, number];
  readonly raisedBy: readonly string[];
}

export const CHECKUP_TESTS: readonly CheckupTest[] = [
  {
    loinc: '4548-4',
    display: 'Hemoglobin A1c/Hemoglobin.total in Blood',
    ja: 'HbA1c',
    unit: '%',
    decimals: 1,
    normal: [4.8, 5.9],
    high: [6.5, 9.5],
    raisedBy: ['E11.9', 'E10.9'],
  },
  {
    loinc: '13457-7',
    display: 'Cholesterol in LDL [Mass/volume] in Serum or Plasma by calculation',
    ja: 'LDLコレステロール',
    unit: 'mg/dL',
    decimals: 0,
    normal: [70, 139],
    high: [140, 210],
    raisedBy: ['E78.5'],
  },
  {
    loinc: '8480-6',
    display: 'Systolic blood pressure',
    ja: '収縮期血圧',
    unit: 'mm[Hg]',
    decimals: 0,
    normal: [100, 129],
    high: [135, 175],
    raisedBy: ['I10'],
  },
  {
    loinc: '8462-4',
    display: 'Diastolic blood pressure',
    ja: '拡張期血圧',
    unit: 'mm[Hg]',
    decimals: 0,
    normal: [60, 84],
    high: [85, 105],
    raisedBy: ['I10'],
  },
  {
    loinc: '2160-0',
    display: 'Creatinine [Mass/volume] in Serum or Plasma',
    ja: '血清クレアチニン',
    unit: 'mg/dL',
    decimals: 2,
    normal: [0.5, 1.0],
    high: [1.3, 3.5],
    raisedBy: ['N18.9'],
  },
  {
    loinc: '718-7',
    display: 'Hemoglobin [Mass/volume] in Blood',
    ja: '血色素量',
    unit: 'g/dL',
    decimals: 1,
    normal: [12.0, 16.0],
    high: [9.0, 11.5],
    raisedBy: ['N18.9', 'C34.9'],
  },
];

/** Japanese public health insurance kinds (医療保険制度). */
export const INSURANCE_KINDS = [
  '国民健康保険',
  '全国健康保険協会管掌健康保険',
  '組合管掌健康保険',
  '共済組合',
] as const;
/** 後期高齢者医療制度 covers everyone from 75. */
export const LATE_ELDERLY = '後期高齢者医療制度';
