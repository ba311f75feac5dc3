/**
 * Identity assurance (issue 13, item 3): how the patient a piece of data belongs to was identified.
 * It travels with every summary, report, ER screen, FHIR export and audit entry, so that a weak
 * identification (a name match, or no identification at all) is never mistaken for a card read.
 *
 * Ordered from the strongest: the card signed a challenge after the patient's PIN (JPKI user
 * authentication); the crew compared the card photo with the patient and is named as attester; a
 * card-less lookup by the insurer number (保険者番号 + 記号・番号 + 枝番) or by the four basic items
 * (氏名・生年月日・性別・住所), each with the match score of the candidate the crew confirmed; and
 * "crew-entered only", an unknown patient whose details are what the crew saw or was told.
 */
export const ASSURANCE_METHODS = [
  'card-pin',
  'card-visual',
  'insurer-number',
  'four-items',
  'crew-entered',
] as const;
export type AssuranceMethod = (typeof ASSURANCE_METHODS)[number];

/** Match scores are integers 0..100; a confirmed candidate below this is a weak match and says so. */
export const STRONG_MATCH = 90;

export type IdentityAssurance =
  | { readonly method: 'card-pin' }
  /** `attester`: the opaque id of the crew member who compared the card photo. */
  | { readonly method: 'card-visual'; readonly attester: string }
  /** `confirmedBy`: the crew member who confirmed the candidate (never chosen automatically). */
  | { readonly method: 'insurer-number'; readonly score: number; readonly confirmedBy: string }
  | { readonly method: 'four-items'; readonly score: number; readonly confirmedBy: string }
  | { readonly method: 'crew-entered' };

/**
 * What a reader makes of a report: a report from before identity assurance existed says nothing,
 * and reads as "not stated", never as a card read.
 */
export type StatedAssurance = IdentityAssurance | { readonly method: 'not-stated' };

export const statedAssurance = (assurance: IdentityAssurance | undefined): StatedAssurance =>
  assurance ?? { method: 'not-stated' };

/** Strong or weak: only a lookup has a score; a card is strong, crew-entered and not-stated are weak. */
export const assuranceStrength = (a: StatedAssurance): 'strong' | 'weak' => {
  switch (a.method) {
    case 'card-pin':
    case 'card-visual':
      return 'strong';
    case 'insurer-number':
    case 'four-items':
      return a.score >= STRONG_MATCH ? 'strong' : 'weak';
    case 'crew-entered':
    case 'not-stated':
      return 'weak';
    default:
      return a satisfies never;
  }
};

/**
 * A short code for audit entries and metrics-free logs: the method, and for a lookup its score
 * (`four-items-87`). Bounded vocabulary, no patient data.
 */
export const assuranceCode = (a: StatedAssurance): string =>
  a.method === 'insurer-number' || a.method === 'four-items' ? `${a.method}-${a.score}` : a.method;

/** The pattern every `assuranceCode` matches (the audit log validates against it). */
export const ASSURANCE_CODE =
  /^(card-pin|card-visual|crew-entered|not-stated|(insurer-number|four-items)-\d{1,3})$/;

/**
 * FHIR IdentityAssuranceLevel (http://hl7.org/fhir/identity-assuranceLevel, the R4 Person.link.assurance
 * codes, NIST levels): card + PIN level3 (possession and knowledge, checked by the card's signature);
 * card + visual check, and a strong confirmed lookup, level2; a weak lookup and crew-entered level1.
 * "Not stated" has no level: nothing was said, so nothing is claimed.
 */
export const fhirAssuranceLevel = (a: StatedAssurance): 'level1' | 'level2' | 'level3' | undefined => {
  switch (a.method) {
    case 'card-pin':
      return 'level3';
    case 'card-visual':
      return 'level2';
    case 'insurer-number':
    case 'four-items':
      return assuranceStrength(a) === 'strong' ? 'level2' : 'level1';
    case 'crew-entered':
      return 'level1';
    case 'not-stated':
      return undefined;
    default:
      return a satisfies never;
  }
};
