import type { CodeableConcept } from './fhir.js';
import type { NoKnown } from '../summary/index.js';

/**
 * Negations are data: a "no known …" or "no information about …" entry is a statement about its
 * section, never an item. Sources: IPS CodeSystem absent-unknown-uv-ips (IPS 1.1 §"Absent and
 * unknown data"); SNOMED CT situations with explicit context used by the IPS examples.
 */
export const IPS_ABSENT_SYSTEM = 'http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips';
const SNOMED = 'http://snomed.info/sct';

export interface Negation {
  readonly statement: 'none-known' | 'no-information';
  /** For allergies: which kind is known to be absent. */
  readonly noKnown?: NoKnown;
}

const SNOMED_NEGATIONS: Readonly<Record<string, Negation>> = {
  '716186003': { statement: 'none-known', noKnown: 'any' }, // No known allergy
  '409137002': { statement: 'none-known', noKnown: 'medication' }, // No known drug allergy
  '429625007': { statement: 'none-known', noKnown: 'food' }, // No known food allergy
  '428607008': { statement: 'none-known', noKnown: 'environment' }, // No known environmental allergy
  '160245001': { statement: 'none-known' }, // No current problems or disability
};

const IPS_NEGATIONS: Readonly<Record<string, Negation>> = {
  'no-known-allergies': { statement: 'none-known', noKnown: 'any' },
  'no-known-medication-allergies': { statement: 'none-known', noKnown: 'medication' },
  'no-known-food-allergies': { statement: 'none-known', noKnown: 'food' },
  'no-known-environmental-allergies': { statement: 'none-known', noKnown: 'environment' },
  'no-allergy-info': { statement: 'no-information' },
  'no-known-medications': { statement: 'none-known' },
  'no-medication-info': { statement: 'no-information' },
  'no-known-problems': { statement: 'none-known' },
  'no-problem-info': { statement: 'no-information' },
  'no-known-procedures': { statement: 'none-known' },
  'no-procedure-info': { statement: 'no-information' },
  'no-known-devices': { statement: 'none-known' },
  'no-device-info': { statement: 'no-information' },
  'no-known-immunizations': { statement: 'none-known' },
  'no-immunization-info': { statement: 'no-information' },
};

/** The negation a concept states, if it states one. An unknown absent-unknown code is "no information". */
export const negationOf = (concept: CodeableConcept | undefined): Negation | undefined => {
  for (const coding of concept?.coding ?? []) {
    if (coding.code === undefined) continue;
    if (coding.system === SNOMED) {
      const found = SNOMED_NEGATIONS[coding.code];
      if (found !== undefined) return found;
    }
    if (coding.system === IPS_ABSENT_SYSTEM)
      return IPS_NEGATIONS[coding.code] ?? { statement: 'no-information' };
  }
  return undefined;
};
