import * as v from 'valibot';

/**
 * The complaint categories hospitals publish acceptance for. They follow the groups Japanese regional
 * transport rules (傷病者の搬送及び受入れの実施に関する基準, Fire Service Act Art. 35-5) list most often.
 */
export const CATEGORIES = [
  'stroke',
  'stemi',
  'trauma',
  'burns',
  'paediatrics',
  'obstetrics',
  'psychiatric',
  'cardiacArrest',
] as const;
export type Category = (typeof CATEGORIES)[number];
export const Category = v.picklist(CATEGORIES);

/** Severity as the crew judges it at the scene (重篤 / 重症 / 中等症 / 軽症). */
export const ACUITIES = ['critical', 'serious', 'moderate', 'minor'] as const;
export type Acuity = (typeof ACUITIES)[number];
export const Acuity = v.picklist(ACUITIES);

export const EQUIPMENT = ['ct', 'mri', 'cathLab'] as const;
export type Equipment = (typeof EQUIPMENT)[number];

/**
 * Equipment a category needs in the first hour: stroke and trauma need CT imaging on arrival, STEMI
 * needs a catheterisation lab for primary PCI. A hospital that accepts the category without it is
 * ranked lower, not excluded: it may still stabilise and transfer.
 */
export const REQUIRED_EQUIPMENT: Readonly<Record<Category, readonly Equipment[]>> = {
  stroke: ['ct'],
  stemi: ['cathLab'],
  trauma: ['ct'],
  burns: [],
  paediatrics: [],
  obstetrics: [],
  psychiatric: [],
  cardiacArrest: [],
};

/** Age in bands only: an inquiry must not single out a patient. */
export const AGE_BANDS = ['0-5', '6-14', '15-39', '40-64', '65-74', '75-89', '90+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];
export const AgeBand = v.picklist(AGE_BANDS);

export const SEXES = ['male', 'female', 'unknown'] as const;
export type Sex = (typeof SEXES)[number];
export const Sex = v.picklist(SEXES);

/**
 * Why a hospital declines, after the reasons the FDMA survey of hard-to-place cases tallies
 * (救急搬送における医療機関の受入れ状況等実態調査: 処置困難, ベッド満床, 手術中・患者対応中, 専門外,
 * 医師不在, その他).
 */
export const DECLINE_REASONS = [
  'cannotTreat',
  'bedsFull',
  'busyWithPatients',
  'outsideSpecialty',
  'noSpecialist',
  'other',
] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];
export const DeclineReason = v.picklist(DECLINE_REASONS);

/** Hospital and case ids appear in MQTT topics, so they are opaque: never a name or a patient detail. */
export const OpaqueId = v.pipe(
  v.string(),
  v.regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be 2–63 lower-case letters, digits or hyphens'),
);
