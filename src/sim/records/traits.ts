import { ATC_SYSTEM, classifyDrug } from '../../records/index.js';
import { YJ_CAPSTANDARD_SYSTEM, YJ_OID_SYSTEM, medicalRecord, type MedicalRecord } from './medical-record.js';

/**
 * What a test needs to pick a holder for (e.g. the ER browser tests: "a holder whose record lacks the
 * allergy section", "a holder on an anticoagulant coded with YJ only"). Each trait is read from the
 * record itself, so a lookup can never name a holder that does not have it.
 */
export const HOLDER_TRAITS = [
  /** The service sends the record as an HL7 IPS document. */
  'ips',
  /** The service sends the record as a JP-CLINS 診療情報提供書 document. */
  'jp-clins',
  /** No allergy section at all: the tablet and the ER must say "not available". */
  'allergies-not-sent',
  /** An allergy section with nothing in it (emptyReason nilknown): "none known". */
  'allergies-none-known',
  /** An allergy section with at least one allergy. */
  'allergies-listed',
  /** On an anticoagulant coded with Japanese codes only (YJ or 一般名処方コード), no ATC. */
  'anticoagulant-japanese-codes-only',
  /** As above, and that anticoagulant's code is a YJ code (under either URI). */
  'anticoagulant-yj-only',
  /** On an anticoagulant that also carries its ATC code (IPS shape). */
  'anticoagulant-with-atc',
] as const;
export type HolderTrait = (typeof HOLDER_TRAITS)[number];

const isAnticoagulant = (m: MedicalRecord['medications'][number]): boolean =>
  classifyDrug({ codings: [{ system: ATC_SYSTEM, code: m.drug.atc }], names: [] }).flags.includes(
    'anticoagulant',
  );

export const holderTraits = (record: MedicalRecord): ReadonlySet<HolderTrait> => {
  const traits = new Set<HolderTrait>([record.shape]);
  if (!record.allergiesSent) traits.add('allergies-not-sent');
  else traits.add(record.allergies.length === 0 ? 'allergies-none-known' : 'allergies-listed');
  const anticoagulants = record.medications.filter(isAnticoagulant);
  if (anticoagulants.length > 0 && record.shape === 'ips') traits.add('anticoagulant-with-atc');
  if (anticoagulants.length > 0 && record.shape === 'jp-clins') {
    traits.add('anticoagulant-japanese-codes-only');
    if (
      anticoagulants.some(
        (m) => m.jpCode.system === YJ_CAPSTANDARD_SYSTEM || m.jpCode.system === YJ_OID_SYSTEM,
      )
    )
      traits.add('anticoagulant-yj-only');
  }
  return traits;
};

/**
 * Indices (ascending) of the holders 0..populationSize-1 of `seed` whose card the service answers for
 * (status active) and whose record has every one of `traits`. The card emulator inserts a holder by
 * the same (seed, index).
 */
export const findHolders = (
  seed: number,
  populationSize: number,
  traits: readonly HolderTrait[],
): readonly number[] => {
  const found: number[] = [];
  for (let index = 0; index < populationSize; index++) {
    const record = medicalRecord(seed, index);
    if (record.status !== 'active') continue;
    const has = holderTraits(record);
    if (traits.every((t) => has.has(t))) found.push(index);
  }
  return found;
};
