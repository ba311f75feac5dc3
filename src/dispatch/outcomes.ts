import type { HospitalStatus } from './status.js';
import type { Category } from './vocabulary.js';

/**
 * Outcome-based dispatch figures (issue 16, item 5): what became of the patients, as the receiving
 * hospital reports it after handover, against where dispatch sent them. Pure; definitions in
 * docs/dispatch.md, "Outcome KPIs".
 */

/** ER disposition after handover; the outcome message carries one (docs/protocol.md). */
export const DISPOSITIONS = ['admitted', 'icu', 'transferred', 'discharged', 'died'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

/** One outcome as dispatch records it: ids, an ICD-10 code and a disposition; no free text. */
export interface OutcomeFact {
  readonly caseId: string;
  readonly hospitalId: string;
  /** Upper case, as validated on receipt (I63.9). */
  readonly icd10: string;
  readonly disposition: Disposition;
  /** The case's dispatch category (問題コード) when dispatch still held the case on receipt. */
  readonly category?: Category;
  /**
   * Whether the receiving hospital was stroke-capable by the last good status dispatch held for it
   * on receipt (`strokeCapable`); undefined when dispatch held none.
   */
  readonly strokeCapable?: boolean;
  readonly at: number;
}

/**
 * Stroke-capable: the hospital's status says it takes stroke patients now and has CT, the imaging a
 * stroke needs on arrival (REQUIRED_EQUIPMENT.stroke) before thrombolysis can be decided.
 */
export const strokeCapable = (status: HospitalStatus): boolean =>
  status.accepts.stroke && status.equipment.ct;

/**
 * Cerebrovascular disease of the acute stroke block: I60 subarachnoid haemorrhage, I61 intracerebral
 * haemorrhage, I62 other non-traumatic intracranial haemorrhage, I63 cerebral infarction, I64 stroke
 * not specified (ICD-10 chapter IX). I65–I69 (occlusion without infarction, sequelae) are not acute stroke.
 */
export const isStrokeCode = (icd10: string): boolean => /^I6[0-4]/.test(icd10);

/** A stroke patient: the ER diagnosed an acute stroke, or dispatch sent the case as stroke. */
export const isStrokePatient = (f: OutcomeFact): boolean => isStrokeCode(f.icd10) || f.category === 'stroke';

export interface OutcomeKpis {
  /** Cases with an outcome. */
  readonly outcomes: number;
  readonly byDisposition: Readonly<Record<Disposition, number>>;
  readonly stroke: {
    readonly patients: number;
    /** Stroke patients whose hospital's capability was known on receipt. */
    readonly known: number;
    readonly toStrokeCapable: number;
    /** toStrokeCapable / known; null when none was known. */
    readonly share: number | null;
  };
  /** Of the cases dispatched as stroke that have an outcome, how many the ER confirmed (I60–I64). */
  readonly strokeDispatch: {
    readonly cases: number;
    readonly confirmed: number;
    /** confirmed / cases (positive predictive value of the stroke category); null when no case. */
    readonly share: number | null;
  };
}

const ratio = (n: number, d: number): number | null => (d === 0 ? null : n / d);

/** The latest outcome per case counts (a corrected outcome replaces the earlier one). */
export const computeOutcomeKpis = (facts: readonly OutcomeFact[]): OutcomeKpis => {
  const latest = new Map<string, OutcomeFact>();
  for (const f of facts) {
    const held = latest.get(f.caseId);
    if (held === undefined || f.at >= held.at) latest.set(f.caseId, f);
  }
  const all = [...latest.values()];
  const byDisposition = Object.fromEntries(
    DISPOSITIONS.map((d) => [d, all.filter((f) => f.disposition === d).length]),
  ) as Record<Disposition, number>;
  const stroke = all.filter(isStrokePatient);
  const known = stroke.filter((f) => f.strokeCapable !== undefined);
  const capable = known.filter((f) => f.strokeCapable === true).length;
  const dispatched = all.filter((f) => f.category === 'stroke');
  const confirmed = dispatched.filter((f) => isStrokeCode(f.icd10)).length;
  return {
    outcomes: all.length,
    byDisposition,
    stroke: {
      patients: stroke.length,
      known: known.length,
      toStrokeCapable: capable,
      share: ratio(capable, known.length),
    },
    strokeDispatch: { cases: dispatched.length, confirmed, share: ratio(confirmed, dispatched.length) },
  };
};
