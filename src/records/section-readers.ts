import * as v from 'valibot';
import type { BundleIndex, IndexedResource } from './bundle-index.js';
import { ATC_SYSTEM, YJ_SYSTEM, classifyMedication } from './drug-classes.js';
import * as F from './fhir.js';
import {
  ICD10_SYSTEM,
  codingIn,
  conceptName,
  datePart,
  hasCode,
  isJapanese,
  translation,
} from './fhir-text.js';
import type {
  Allergy,
  AllergyCategory,
  CheckupResult,
  Condition,
  Criticality,
  Insurance,
  Medication,
  Procedure,
  SectionKey,
} from './summary.js';

/** What one section entry yields: an item, an explicit "none known"/"no information" statement, or nothing readable. */
export type EntryRead<T> =
  | { readonly kind: 'item'; readonly item: T; readonly date: string | undefined }
  | { readonly kind: 'statement'; readonly statement: 'none-known' | 'no-information' }
  | { readonly kind: 'unreadable' };

export interface SectionReader<T> {
  /** LOINC code of the IPS section (Composition.section.code). */
  readonly loinc: string;
  readonly resourceTypes: readonly string[];
  read(resource: IndexedResource, bundle: BundleIndex): EntryRead<T>;
}

const UNREADABLE = { kind: 'unreadable' } as const;
const item = <T>(value: T, date: string | undefined): EntryRead<T> => ({ kind: 'item', item: value, date });

/** IPS CodeSystem absent-unknown-uv-ips: `no-known-allergies` (none known) vs `no-allergy-info` (unknown). */
const IPS_ABSENT_SYSTEM = 'http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips';
const SNOMED = 'http://snomed.info/sct';
/** SNOMED CT 716186003 |No known allergy|. */
const SNOMED_NO_KNOWN_ALLERGY = '716186003';

const statementOf = (concept: F.CodeableConcept | undefined): EntryRead<never> | undefined => {
  if (hasCode(concept, SNOMED, SNOMED_NO_KNOWN_ALLERGY))
    return { kind: 'statement', statement: 'none-known' };
  const code = codingIn(concept, IPS_ABSENT_SYSTEM)?.code;
  if (code === undefined) return undefined;
  if (code.startsWith('no-known-')) return { kind: 'statement', statement: 'none-known' };
  return { kind: 'statement', statement: 'no-information' };
};

const parse = <S extends v.GenericSchema>(
  schema: S,
  resource: IndexedResource,
): v.InferOutput<S> | undefined => {
  const parsed = v.safeParse(schema, resource.resource);
  return parsed.success ? parsed.output : undefined;
};

const ALLERGY_CATEGORIES: readonly AllergyCategory[] = ['food', 'medication', 'environment', 'biologic'];
const CRITICALITIES: readonly Criticality[] = ['high', 'low', 'unable-to-assess'];

const allergies: SectionReader<Allergy> = {
  loinc: '48765-2',
  resourceTypes: ['AllergyIntolerance'],
  read(resource) {
    const a = parse(F.AllergyIntolerance, resource);
    if (a === undefined) return UNREADABLE;
    const statement = statementOf(a.code);
    if (statement !== undefined) return statement;
    const substance = conceptName(a.code);
    if (substance === undefined) return UNREADABLE;
    const recorded = a.recordedDate ?? a.onsetDateTime ?? a.onsetPeriod?.start;
    return item(
      {
        substance,
        category: ALLERGY_CATEGORIES.find((c) => a.category.includes(c)) ?? 'unknown',
        criticality: CRITICALITIES.find((c) => c === a.criticality) ?? 'unknown',
        reactions: a.reaction.flatMap((r) => r.manifestation.flatMap((m) => conceptName(m) ?? [])),
        recorded,
        source: a.recorder?.display ?? a.asserter?.display,
      },
      recorded,
    );
  },
};

/** Medication[x]: the inline concept, or the referenced Medication resource's code. */
const medicationConcept = (
  inline: F.CodeableConcept | undefined,
  reference: string | undefined,
  bundle: BundleIndex,
): F.CodeableConcept | undefined => {
  if (inline !== undefined) return inline;
  const target = bundle.resolve(reference);
  return target === undefined ? undefined : parse(F.Medication, target)?.code;
};

const medicationNames = (
  concept: F.CodeableConcept,
): { japaneseName: string | undefined; genericName: string | undefined } => {
  const displays = concept.coding.flatMap((c) => c.display ?? []);
  const japaneseName =
    codingIn(concept, YJ_SYSTEM)?.display ??
    concept.coding.map((c) => translation(c, 'ja')).find((t) => t !== undefined) ??
    [concept.text, ...displays].find((s) => s !== undefined && isJapanese(s));
  const genericName =
    codingIn(concept, ATC_SYSTEM)?.display ??
    displays.find((d) => !isJapanese(d)) ??
    concept.text ??
    japaneseName ??
    codingIn(concept, ATC_SYSTEM)?.code;
  return { japaneseName, genericName };
};

const PERIOD_UNITS: Readonly<Record<string, string>> = { h: 'h', d: 'day', wk: 'week', mo: 'month' };

/** Dosage.text, else dose quantity and frequency (`1 tablet, 2× per day`). */
const doseText = (dosage: F.Dosage | undefined): string | undefined => {
  if (dosage === undefined) return undefined;
  if (dosage.text !== undefined) return dosage.text;
  const q = dosage.doseAndRate[0]?.doseQuantity;
  const amount = q?.value === undefined ? undefined : `${q.value} ${q.unit ?? q.code ?? ''}`.trim();
  const r = dosage.timing?.repeat;
  const times = r?.frequency ?? r?.count;
  const unit = r?.periodUnit === undefined ? undefined : (PERIOD_UNITS[r.periodUnit] ?? r.periodUnit);
  const every = r?.period !== undefined && r.period !== 1 ? `${r.period} ${unit ?? ''}`.trim() : unit;
  const frequency = times !== undefined && every !== undefined ? `${times}× per ${every}` : undefined;
  const parts = [amount, frequency].filter((p) => p !== undefined);
  return parts.length === 0 ? undefined : parts.join(', ');
};

const medicationItem = (
  concept: F.CodeableConcept | undefined,
  dosage: F.Dosage | undefined,
  lastDispensed: string | undefined,
  source: string | undefined,
): EntryRead<Medication> => {
  if (concept === undefined) return UNREADABLE;
  const statement = statementOf(concept);
  if (statement !== undefined) return statement;
  const { japaneseName, genericName } = medicationNames(concept);
  if (genericName === undefined) return UNREADABLE;
  return item(
    {
      japaneseName,
      genericName,
      dose: doseText(dosage),
      lastDispensed,
      source,
      flags: classifyMedication(concept.coding),
    },
    lastDispensed,
  );
};

const medications: SectionReader<Medication> = {
  loinc: '10160-0',
  resourceTypes: ['MedicationStatement', 'MedicationRequest'],
  read(resource, bundle) {
    if (resource.resourceType === 'MedicationRequest') {
      const m = parse(F.MedicationRequest, resource);
      if (m === undefined) return UNREADABLE;
      const concept = medicationConcept(
        m.medicationCodeableConcept,
        m.medicationReference?.reference,
        bundle,
      );
      // MedicationRequest: the dispense validity start, else the prescription date.
      const last = m.dispenseRequest?.validityPeriod?.start ?? m.authoredOn;
      return medicationItem(concept, m.dosageInstruction[0], last, m.requester?.display);
    }
    const m = parse(F.MedicationStatement, resource);
    if (m === undefined) return UNREADABLE;
    const concept = medicationConcept(m.medicationCodeableConcept, m.medicationReference?.reference, bundle);
    // MedicationStatement: effective[x] (the dispensing date in claim-based records), else dateAsserted.
    const last = m.effectiveDateTime ?? m.effectivePeriod?.end ?? m.dateAsserted ?? m.effectivePeriod?.start;
    return medicationItem(concept, m.dosage[0], last, m.informationSource?.display);
  },
};

const conditions: SectionReader<Condition> = {
  loinc: '11450-4',
  resourceTypes: ['Condition'],
  read(resource) {
    const c = parse(F.Condition, resource);
    if (c === undefined) return UNREADABLE;
    const statement = statementOf(c.code);
    if (statement !== undefined) return statement;
    const icd = codingIn(c.code, ICD10_SYSTEM);
    const name = c.code?.text ?? icd?.display ?? conceptName(c.code);
    if (name === undefined) return UNREADABLE;
    const onset = c.onsetDateTime ?? c.onsetPeriod?.start ?? c.onsetString;
    return item(
      {
        name,
        icd10: icd?.code,
        clinicalStatus: c.clinicalStatus?.coding[0]?.code,
        onset,
        recorded: c.recordedDate,
      },
      c.recordedDate ?? datePart(onset),
    );
  },
};

const procedures: SectionReader<Procedure> = {
  loinc: '47519-4',
  resourceTypes: ['Procedure'],
  read(resource) {
    const p = parse(F.Procedure, resource);
    if (p === undefined) return UNREADABLE;
    const statement = statementOf(p.code);
    if (statement !== undefined) return statement;
    const name = conceptName(p.code);
    if (name === undefined) return UNREADABLE;
    const performed =
      p.performedDateTime ?? p.performedPeriod?.end ?? p.performedPeriod?.start ?? p.performedString;
    return item({ name, performed }, datePart(performed));
  },
};

const results: SectionReader<CheckupResult> = {
  loinc: '30954-2',
  resourceTypes: ['Observation'],
  read(resource) {
    const o = parse(F.Observation, resource);
    if (o === undefined) return UNREADABLE;
    const name = conceptName(o.code);
    const q = o.valueQuantity;
    const value =
      q?.value === undefined
        ? (o.valueString ?? conceptName(o.valueCodeableConcept))
        : `${q.value} ${q.unit ?? q.code ?? ''}`.trim();
    if (name === undefined || value === undefined) return UNREADABLE;
    const effective = o.effectiveDateTime ?? o.effectivePeriod?.end ?? o.effectivePeriod?.start ?? o.issued;
    return item(
      { name, loinc: o.code?.coding.find((c) => c.system === 'http://loinc.org')?.code, value, effective },
      effective,
    );
  },
};

const insurance: SectionReader<Insurance> = {
  // IPS "Health insurance and payment information" section (Payers).
  loinc: '48768-6',
  resourceTypes: ['Coverage'],
  read(resource) {
    const c = parse(F.Coverage, resource);
    if (c === undefined) return UNREADABLE;
    return item(
      {
        status: c.status,
        eligible: c.status === 'active',
        kind: conceptName(c.type),
        insurer: c.payor[0]?.display,
        periodEnd: c.period?.end,
      },
      c.period?.start,
    );
  },
};

export interface SectionReaders {
  readonly allergies: SectionReader<Allergy>;
  readonly medications: SectionReader<Medication>;
  readonly conditions: SectionReader<Condition>;
  readonly procedures: SectionReader<Procedure>;
  readonly results: SectionReader<CheckupResult>;
  readonly insurance: SectionReader<Insurance>;
}

export const SECTION_READERS = {
  allergies,
  medications,
  conditions,
  procedures,
  results,
  insurance,
} as const satisfies SectionReaders & Record<SectionKey, SectionReader<unknown>>;
