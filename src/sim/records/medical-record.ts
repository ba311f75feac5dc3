import { cardholder, type Cardholder } from '../population.js';
import { SeededRandom } from '../random.js';
import {
  ALLERGIES,
  CHECKUP_TESTS,
  CONDITIONS,
  INSURANCE_KINDS,
  LATE_ELDERLY,
  OTHER_PROCEDURES,
  PROCEDURES,
  REACTIONS,
  type AgeRates,
  type AllergyDef,
  type CheckupTest,
  type ConditionDef,
} from './clinical.js';
import { DRUGS, type Drug } from './drugs.js';

/**
 * Records are dated back from this day (the population's reference day), so a holder's records are
 * the same whatever the date the service runs on.
 */
export const RECORDS_EPOCH = Date.UTC(2026, 3, 1);
const DAY = 86_400_000;

/** What the records service knows about the card before any record is read. */
export type CardStatus = 'active' | 'suspended' | 'revoked' | 'certificate-expired' | 'no-eligibility';

export interface SyntheticAllergy {
  readonly def: AllergyDef;
  readonly reaction: string;
  readonly criticality: 'high' | 'low';
  readonly recorded: string;
}
export interface SyntheticMedication {
  readonly drug: Drug;
  readonly lastDispensed: string;
  readonly pharmacy: string;
  /** The one Japanese coding a JP-CLINS record carries for it (Japanese records carry no ATC). */
  readonly jpCode: JapaneseDrugCode;
}

/** YJ code under the URI JP-CLINS examples use, and under the JP Core OID. */
export const YJ_CAPSTANDARD_SYSTEM = 'http://capstandard.jp/iyaku.info/CodeSystem/YJ-code';
export const YJ_OID_SYSTEM = 'urn:oid:1.2.392.100495.20.1.73';
/** MHLW 一般名処方コード, as JP Core names it. */
export const GENERAL_ORDER_CODE_SYSTEM =
  'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationGeneralOrderCode';

export interface JapaneseDrugCode {
  readonly system: typeof YJ_CAPSTANDARD_SYSTEM | typeof YJ_OID_SYSTEM | typeof GENERAL_ORDER_CODE_SYSTEM;
  readonly code: string;
  readonly display: string;
}

/**
 * The shape the records service sends the holder's record in: an HL7 IPS document (LOINC sections, ATC
 * and YJ, WHO ICD-10) or a JP-CLINS 診療情報提供書 document (JP-CLINS section codes nested under 300
 * 構造情報, YJ or 一般名処方コード only, ICD-10 under the MHLW URI, J-FAGY allergens).
 */
export type RecordShape = 'ips' | 'jp-clins';
export interface SyntheticCondition {
  readonly def: ConditionDef;
  readonly onset: string;
}
export interface SyntheticProcedure {
  readonly name: string;
  readonly performed: string;
}
export interface SyntheticCheckup {
  readonly test: CheckupTest;
  readonly value: number;
  readonly date: string;
}
export interface SyntheticInsurance {
  readonly kind: string;
  readonly insurer: string;
  readonly start: string;
}

export interface MedicalRecord {
  readonly holder: Cardholder;
  readonly status: CardStatus;
  readonly allergies: readonly SyntheticAllergy[];
  readonly medications: readonly SyntheticMedication[];
  readonly conditions: readonly SyntheticCondition[];
  readonly procedures: readonly SyntheticProcedure[];
  readonly checkups: readonly SyntheticCheckup[];
  readonly insurance: SyntheticInsurance;
  /** The hospital that recorded the allergies and conditions (the summary's source). */
  readonly recordedBy: string;
  readonly shape: RecordShape;
  /**
   * false: the record has no allergy section at all (the source never sent one), whatever `allergies`
   * holds: the receiver must show "not available", never "none known".
   */
  readonly allergiesSent: boolean;
}

const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const daysAgo = (rng: SeededRandom, min: number, max: number): string =>
  isoDate(RECORDS_EPOCH - rng.int(min, max) * DAY);

export const ageAt = (birthDate: string, at: number): number => {
  const birth = new Date(`${birthDate}T00:00:00Z`);
  const now = new Date(at);
  let age = now.getUTCFullYear() - birth.getUTCFullYear();
  if (
    now.getUTCMonth() < birth.getUTCMonth() ||
    (now.getUTCMonth() === birth.getUTCMonth() && now.getUTCDate() < birth.getUTCDate())
  )
    age -= 1;
  return age;
};

const rateFor = (rates: AgeRates, age: number): number =>
  rates[age < 15 ? 0 : age < 65 ? 1 : age < 85 ? 2 : 3];

/** Card status mix: most cards are in order; a few exercise each refusal the service can give. */
const cardStatus = (rng: SeededRandom): CardStatus => {
  const r = rng.next();
  if (r < 0.02) return 'suspended';
  if (r < 0.03) return 'revoked';
  if (r < 0.05) return 'certificate-expired';
  if (r < 0.08) return 'no-eligibility';
  return 'active';
};

const PHARMACIES = ['さくら調剤薬局', 'あおば薬局', 'ひまわり薬局', '中央薬局', 'みなと調剤薬局'] as const;
const HOSPITALS = ['市立総合病院', '県立医療センター', '中央クリニック', '南町内科医院'] as const;

const prefecture = (address: string): string => /^(.+?[都道府県])/.exec(address)?.[1] ?? '';

const conditionsFor = (rng: SeededRandom, holder: Cardholder, age: number): SyntheticCondition[] =>
  CONDITIONS.filter(
    (def) => (def.sex === undefined || def.sex === holder.sex) && rng.chance(rateFor(def.rates, age)),
  ).map((def) => ({ def, onset: daysAgo(rng, 60, Math.max(90, Math.min(age, 30) * 365)) }));

/** Half by YJ under either URI; drugs with generics are prescribed by 一般名 about a third of the time. */
const japaneseCode = (rng: SeededRandom, drug: Drug): JapaneseDrugCode => {
  if (drug.generalCode !== undefined && rng.chance(0.35))
    return { system: GENERAL_ORDER_CODE_SYSTEM, code: drug.generalCode, display: `【般】${drug.ja}` };
  const system = rng.chance(0.5) ? YJ_CAPSTANDARD_SYSTEM : YJ_OID_SYSTEM;
  return { system, code: drug.yj, display: drug.yjProduct };
};

const medicationsFor = (
  rng: SeededRandom,
  conditions: readonly SyntheticCondition[],
  codes: SeededRandom,
): SyntheticMedication[] => {
  const chosen = new Map<string, Drug>();
  for (const { def } of conditions)
    for (const line of def.treatments) {
      if (!rng.chance(line.p)) continue;
      const drug = DRUGS[rng.pick(line.oneOf)];
      chosen.set(drug.generic, drug);
    }
  const pharmacy = rng.pick(PHARMACIES);
  // Japan's emergency view shows dispensing in recent months: last dispensed 3–120 days ago.
  return [...chosen.values()].map((drug) => ({
    drug,
    lastDispensed: daysAgo(rng, 3, 120),
    pharmacy,
    jpCode: japaneseCode(codes, drug),
  }));
};

const allergiesFor = (rng: SeededRandom, age: number): SyntheticAllergy[] =>
  ALLERGIES.filter((def) => rng.chance(def.p)).map((def) => {
    const reaction = rng.pick(REACTIONS);
    return {
      def,
      reaction: reaction.ja,
      criticality: reaction.severe ? 'high' : 'low',
      recorded: daysAgo(rng, 30, Math.max(60, age * 365)),
    };
  });

const proceduresFor = (
  rng: SeededRandom,
  conditions: readonly SyntheticCondition[],
  age: number,
): SyntheticProcedure[] => {
  const keys = [
    ...conditions.flatMap(({ def }) =>
      def.procedure !== undefined && rng.chance(def.procedure.p) ? [def.procedure.key] : [],
    ),
    ...OTHER_PROCEDURES.filter((o) => rng.chance(o.p)).map((o) => o.key),
  ];
  // The emergency view covers procedures of the last five years.
  return [...new Set(keys)]
    .filter((key) => age >= PROCEDURES[key].minAge)
    .map((key) => ({ name: PROCEDURES[key].ja, performed: daysAgo(rng, 30, 5 * 365) }));
};

const round = (value: number, decimals: number): number => Number(value.toFixed(decimals));

/** 特定健診 (40–74) and 後期高齢者健診 (75+): one checkup within the last year, for most adults over 40. */
const checkupsFor = (
  rng: SeededRandom,
  conditions: readonly SyntheticCondition[],
  age: number,
): SyntheticCheckup[] => {
  if (age < 40 || !rng.chance(0.75)) return [];
  const codes = new Set(conditions.map((c) => c.def.icd10));
  const date = daysAgo(rng, 20, 365);
  return CHECKUP_TESTS.map((test) => {
    const [lo, hi] = test.raisedBy.some((c) => codes.has(c)) ? test.high : test.normal;
    return { test, value: round(lo + rng.next() * (hi - lo), test.decimals), date };
  });
};

/** The synthetic medical record of holder (seed, index): the same in every process and on every machine. */
export const medicalRecord = (seed: number, index: number): MedicalRecord => {
  const holder = cardholder(seed, index);
  // A fork of the holder's root generator: adding records does not move anything on the card.
  const rng = new SeededRandom(seed).fork(`holder:${index}`).fork('records');
  const age = ageAt(holder.birthDate, RECORDS_EPOCH);
  const status = cardStatus(rng.fork('status'));
  const conditions = conditionsFor(rng.fork('conditions'), holder, age);
  const insuranceRng = rng.fork('insurance');
  const kind = age >= 75 ? LATE_ELDERLY : insuranceRng.pick(INSURANCE_KINDS);
  return {
    holder,
    status,
    conditions,
    medications: medicationsFor(rng.fork('medications'), conditions, rng.fork('jp-codes')),
    allergies: allergiesFor(rng.fork('allergies'), age),
    procedures: proceduresFor(rng.fork('procedures'), conditions, age),
    checkups: checkupsFor(rng.fork('checkups'), conditions, age),
    insurance: {
      kind,
      insurer: kind === LATE_ELDERLY ? `${prefecture(holder.address)}後期高齢者医療広域連合` : kind,
      start: daysAgo(insuranceRng, 30, 3650),
    },
    recordedBy: rng.fork('site').pick(HOSPITALS),
    // Own forks: adding the shape moved nothing else in the record.
    shape: rng.fork('shape').chance(0.5) ? 'jp-clins' : 'ips',
    allergiesSent: !rng.fork('allergies-sent').chance(0.12),
  };
};
