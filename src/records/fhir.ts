import * as v from 'valibot';

/**
 * Valibot schemas for the parts of FHIR R4 the summary reads. Lenient by design: an optional element
 * that is malformed reads as absent (`v.fallback`), and a malformed item of a repeating element is
 * dropped, so one odd value does not cost a whole allergy. Required elements are checked by the
 * section readers, which count what they cannot read.
 */

const optional = <S extends v.GenericSchema>(schema: S) => v.fallback(v.optional(schema), undefined);

/** A repeating element: keeps the items that validate, drops the others; absent or malformed → []. */
const repeated = <S extends v.GenericSchema>(schema: S) =>
  v.fallback(
    v.optional(
      v.pipe(
        v.array(v.unknown()),
        v.transform((items): v.InferOutput<S>[] =>
          items.flatMap((item) => {
            const parsed = v.safeParse(schema, item);
            return parsed.success ? [parsed.output] : [];
          }),
        ),
      ),
      [],
    ),
    [],
  );

const text = v.pipe(v.string(), v.trim(), v.nonEmpty());

/** Extension (R4 datatype), two levels deep: enough for the translation extension (lang + content). */
const SubExtension = v.looseObject({
  url: text,
  valueCode: optional(v.string()),
  valueString: optional(v.string()),
});
const Extension = v.looseObject({ url: text, extension: repeated(SubExtension) });

export const Coding = v.looseObject({
  system: optional(text),
  code: optional(text),
  display: optional(text),
  /** Primitive extension of `display` (FHIR R4 §2.6.2.2), where translations live. */
  _display: optional(v.looseObject({ extension: repeated(Extension) })),
});
export type Coding = v.InferOutput<typeof Coding>;

export const CodeableConcept = v.looseObject({ coding: repeated(Coding), text: optional(text) });
export type CodeableConcept = v.InferOutput<typeof CodeableConcept>;

export const Reference = v.looseObject({ reference: optional(text), display: optional(text) });

const Period = v.looseObject({ start: optional(text), end: optional(text) });

const Quantity = v.looseObject({
  value: optional(v.number()),
  unit: optional(text),
  code: optional(text),
});

const Dosage = v.looseObject({
  text: optional(text),
  doseAndRate: repeated(v.looseObject({ doseQuantity: optional(Quantity) })),
  timing: optional(
    v.looseObject({
      repeat: optional(
        v.looseObject({
          frequency: optional(v.number()),
          period: optional(v.number()),
          periodUnit: optional(text),
          count: optional(v.number()),
        }),
      ),
      code: optional(CodeableConcept),
    }),
  ),
});
export type Dosage = v.InferOutput<typeof Dosage>;

export const BundleEntry = v.looseObject({
  fullUrl: optional(text),
  resource: optional(v.looseObject({ resourceType: text, id: optional(text) })),
});

/** Bundle.type must be `document` for an IPS (IPS Bundle profile). */
export const DocumentBundle = v.looseObject({
  resourceType: v.literal('Bundle'),
  type: v.literal('document'),
  entry: v.array(v.unknown()),
});

export const CompositionSection = v.looseObject({
  title: optional(text),
  code: optional(CodeableConcept),
  entry: repeated(Reference),
  emptyReason: optional(CodeableConcept),
});
export type CompositionSection = v.InferOutput<typeof CompositionSection>;

export const Composition = v.looseObject({
  resourceType: v.literal('Composition'),
  date: optional(text),
  subject: optional(Reference),
  section: repeated(CompositionSection),
});

export const Patient = v.looseObject({
  resourceType: v.literal('Patient'),
  name: repeated(v.looseObject({ text: optional(text), family: optional(text), given: repeated(text) })),
  birthDate: optional(text),
  gender: optional(text),
});

export const AllergyIntolerance = v.looseObject({
  resourceType: v.literal('AllergyIntolerance'),
  code: optional(CodeableConcept),
  category: repeated(text),
  criticality: optional(text),
  reaction: repeated(v.looseObject({ manifestation: repeated(CodeableConcept) })),
  recordedDate: optional(text),
  onsetDateTime: optional(text),
  onsetPeriod: optional(Period),
  recorder: optional(Reference),
  asserter: optional(Reference),
});
export type AllergyIntolerance = v.InferOutput<typeof AllergyIntolerance>;

export const Medication = v.looseObject({
  resourceType: v.literal('Medication'),
  code: optional(CodeableConcept),
});

export const MedicationStatement = v.looseObject({
  resourceType: v.literal('MedicationStatement'),
  status: optional(text),
  medicationCodeableConcept: optional(CodeableConcept),
  medicationReference: optional(Reference),
  effectiveDateTime: optional(text),
  effectivePeriod: optional(Period),
  dateAsserted: optional(text),
  informationSource: optional(Reference),
  dosage: repeated(Dosage),
});
export type MedicationStatement = v.InferOutput<typeof MedicationStatement>;

export const MedicationRequest = v.looseObject({
  resourceType: v.literal('MedicationRequest'),
  status: optional(text),
  medicationCodeableConcept: optional(CodeableConcept),
  medicationReference: optional(Reference),
  authoredOn: optional(text),
  requester: optional(Reference),
  dosageInstruction: repeated(Dosage),
  dispenseRequest: optional(v.looseObject({ validityPeriod: optional(Period) })),
});
export type MedicationRequest = v.InferOutput<typeof MedicationRequest>;

export const Condition = v.looseObject({
  resourceType: v.literal('Condition'),
  code: optional(CodeableConcept),
  clinicalStatus: optional(CodeableConcept),
  onsetDateTime: optional(text),
  onsetString: optional(text),
  onsetPeriod: optional(Period),
  recordedDate: optional(text),
});

export const Procedure = v.looseObject({
  resourceType: v.literal('Procedure'),
  code: optional(CodeableConcept),
  performedDateTime: optional(text),
  performedPeriod: optional(Period),
  performedString: optional(text),
});

export const Observation = v.looseObject({
  resourceType: v.literal('Observation'),
  code: optional(CodeableConcept),
  effectiveDateTime: optional(text),
  effectivePeriod: optional(Period),
  issued: optional(text),
  valueQuantity: optional(Quantity),
  valueString: optional(text),
  valueCodeableConcept: optional(CodeableConcept),
});

export const Coverage = v.looseObject({
  resourceType: v.literal('Coverage'),
  status: text,
  type: optional(CodeableConcept),
  period: optional(Period),
  payor: repeated(Reference),
});
