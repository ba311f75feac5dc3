import type { CodeableConcept, Coding } from './fhir.js';

/** Small pure helpers that turn FHIR datatypes into the text the crew reads. */

export const LOINC_SYSTEM = 'http://loinc.org';
export const ICD10_SYSTEM = 'http://hl7.org/fhir/sid/icd-10';
/** FHIR extension carrying a translation of a string (used on Coding.display). */
const TRANSLATION_URL = 'http://hl7.org/fhir/StructureDefinition/translation';

const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff]/;
export const isJapanese = (s: string): boolean => JAPANESE.test(s);

export const codingIn = (concept: CodeableConcept | undefined, system: string): Coding | undefined =>
  concept?.coding.find((c) => c.system === system && c.code !== undefined);

export const hasCode = (concept: CodeableConcept | undefined, system: string, code: string): boolean =>
  concept?.coding.some((c) => c.system === system && c.code === code) ?? false;

/** The `ja` translation of a coding's display, from the translation extension (lang + content). */
export const translation = (coding: Coding, lang: string): string | undefined => {
  for (const ext of coding._display?.extension ?? []) {
    if (ext.url !== TRANSLATION_URL) continue;
    const langValue = ext.extension.find((e) => e.url === 'lang')?.valueCode;
    const content = ext.extension.find((e) => e.url === 'content')?.valueString;
    if (langValue?.startsWith(lang) === true && content !== undefined && content.trim() !== '')
      return content.trim();
  }
  return undefined;
};

/** What to call a concept: CodeableConcept.text, else the first display, else nothing. */
export const conceptName = (concept: CodeableConcept | undefined): string | undefined =>
  concept?.text ?? concept?.coding.find((c) => c.display !== undefined)?.display;

/**
 * A FHIR date or dateTime cut to its date part (`2016-10`, `2020-12-11`), so partial dates compare
 * lexically; the time zone is dropped, which moves a record by at most a day.
 */
export const datePart = (value: string | undefined): string | undefined => {
  if (value === undefined) return undefined;
  const match = /^(\d{4}(-\d{2}(-\d{2})?)?)/.exec(value);
  return match?.[1];
};

/** The newest of some FHIR dates (date part), or undefined when none is dated. */
export const newestDate = (dates: readonly (string | undefined)[]): string | undefined => {
  let newest: string | undefined;
  for (const raw of dates) {
    const date = datePart(raw);
    if (date !== undefined && (newest === undefined || date > newest)) newest = date;
  }
  return newest;
};
