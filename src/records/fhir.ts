import * as v from 'valibot';

/**
 * Valibot schemas for the parts of FHIR R4 the summary reads. Lenient by design: an optional element
 * that is malformed reads as absent (`v.fallback`), and a malformed item of a repeating element is
 * dropped, so one odd value does not cost a whole allergy. Required elements are checked by the
 * section readers, which count what they cannot read. `v.object`, not `looseObject`: the readers use only
 * the declared elements, and copying every other key of every resource and datatype was most of the
 * parse time (bench:records).
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
const SubExtension = v.object({
  url: text,
  valueCode: optional(v.string()),
  valueString: optional(v.string()),
});

const Period = v.object({ start: optional(text), end: optional(text) });

const Quantity = v.object({
  value: optional(v.number()),
  unit: optional(text),
  code: optional(text),
});
export type Quantity = v.InferOutput<typeof Quantity>;

/** Extension (R4 datatype), two levels deep: enough for the translation extension (lang + content)
 *  and the JP Core dosage extensions (valueDuration, valuePeriod). */
const Extension = v.object({
  url: text,
  extension: repeated(SubExtension),
  valueDuration: optional(Quantity),
  valuePeriod: optional(Period),
});
export type Extension = v.InferOutput<typeof Extension>;

export const Coding = v.object({
  system: optional(text),
  code: optional(text),
  display: optional(text),
  /** Primitive extension of `display` (FHIR R4 §2.6.2.2), where translations live. */
  _display: optional(v.object({ extension: repeated(Extension) })),
});
export type Coding = v.InferOutput<typeof Coding>;

export const CodeableConcept = v.object({ coding: repeated(Coding), text: optional(text) });
export type CodeableConcept = v.InferOutput<typeof CodeableConcept>;

export const Reference = v.object({ reference: optional(text), display: optional(text) });
export type Reference = v.InferOutput<typeof Reference>;

const Identifier = v.object({ system: optional(text), value: optional(text) });
const Annotation = v.object({ text: optional(text) });
const Meta = v.object({ profile: repeated(text) });

const Dosage = v.object({
  text: optional(text),
  extension: repeated(Extension),
  doseAndRate: repeated(v.object({ doseQuantity: optional(Quantity) })),
  timing: optional(
    v.object({
      repeat: optional(
        v.object({
          frequency: optional(v.number()),
          period: optional(v.number()),
          periodUnit: optional(text),
          count: optional(v.number()),
          boundsDuration: optional(Quantity),
          boundsPeriod: optional(Period),
        }),
      ),
      code: optional(CodeableConcept),
    }),
  ),
});
export type Dosage = v.InferOutput<typeof Dosage>;

export const BundleEntry = v.object({
  fullUrl: optional(text),
  resource: optional(v.object({ resourceType: text, id: optional(text) })),
});

/** The Bundle types the summary reads: a document (IPS, JP-CLINS, e-prescription, checkup), a
 *  collection (JP-CLINS 6-information submissions) or a searchset (a FHIR server's answer). */
export const BUNDLE_TYPES = ['document', 'collection', 'searchset'] as const;

export const Bundle = v.object({
  resourceType: v.literal('Bundle'),
  id: optional(text),
  type: text,
  identifier: optional(Identifier),
  timestamp: optional(text),
  /** Absent or empty is a Bundle with nothing in it (a searchset with no match). */
  entry: v.fallback(v.optional(v.array(v.unknown()), []), []),
});

/** Composition.section, with its sub-sections (JP-CLINS nests clinical sections under 300 構造情報). */
export interface CompositionSection {
  readonly title?: string | undefined;
  readonly code?: CodeableConcept | undefined;
  readonly entry: readonly Reference[];
  readonly emptyReason?: CodeableConcept | undefined;
  readonly section: readonly CompositionSection[];
}
export const CompositionSection: v.GenericSchema<unknown, CompositionSection> = v.object({
  title: optional(text),
  code: optional(CodeableConcept),
  entry: repeated(Reference),
  emptyReason: optional(CodeableConcept),
  section: repeated(v.lazy(() => CompositionSection)),
});

export const Composition = v.object({
  resourceType: v.literal('Composition'),
  title: optional(text),
  type: optional(CodeableConcept),
  date: optional(text),
  subject: optional(Reference),
  author: repeated(Reference),
  custodian: optional(Reference),
  section: repeated(CompositionSection),
});
export type Composition = v.InferOutput<typeof Composition>;

export const Organization = v.object({
  resourceType: v.literal('Organization'),
  name: optional(text),
});

/** The parts every clinical resource shares that the merge and routing read. */
export const ResourceHead = v.object({
  resourceType: text,
  id: optional(text),
  meta: optional(Meta),
  identifier: repeated(Identifier),
});

export const Patient = v.object({
  resourceType: v.literal('Patient'),
  identifier: repeated(Identifier),
  name: repeated(v.object({ text: optional(text), family: optional(text), given: repeated(text) })),
  birthDate: optional(text),
  gender: optional(text),
});

export const AllergyIntolerance = v.object({
  resourceType: v.literal('AllergyIntolerance'),
  code: optional(CodeableConcept),
  clinicalStatus: optional(CodeableConcept),
  verificationStatus: optional(CodeableConcept),
  type: optional(text),
  category: repeated(text),
  criticality: optional(text),
  reaction: repeated(
    v.object({
      substance: optional(CodeableConcept),
      manifestation: repeated(CodeableConcept),
      severity: optional(text),
      description: optional(text),
      note: repeated(Annotation),
    }),
  ),
  note: repeated(Annotation),
  recordedDate: optional(text),
  onsetDateTime: optional(text),
  onsetPeriod: optional(Period),
  recorder: optional(Reference),
  asserter: optional(Reference),
});
export type AllergyIntolerance = v.InferOutput<typeof AllergyIntolerance>;

export const Medication = v.object({
  resourceType: v.literal('Medication'),
  id: optional(text),
  code: optional(CodeableConcept),
  /** Ingredients of a compound or a medication named by ingredient (itemCodeableConcept). */
  ingredient: repeated(v.object({ itemCodeableConcept: optional(CodeableConcept) })),
});

export const MedicationStatement = v.object({
  resourceType: v.literal('MedicationStatement'),
  status: optional(text),
  medicationCodeableConcept: optional(CodeableConcept),
  medicationReference: optional(Reference),
  effectiveDateTime: optional(text),
  effectivePeriod: optional(Period),
  dateAsserted: optional(text),
  contained: repeated(v.object({ resourceType: text, id: optional(text) })),
  informationSource: optional(Reference),
  dosage: repeated(Dosage),
});
export type MedicationStatement = v.InferOutput<typeof MedicationStatement>;

export const MedicationRequest = v.object({
  resourceType: v.literal('MedicationRequest'),
  status: optional(text),
  medicationCodeableConcept: optional(CodeableConcept),
  medicationReference: optional(Reference),
  authoredOn: optional(text),
  requester: optional(Reference),
  dosageInstruction: repeated(Dosage),
  dispenseRequest: optional(
    v.object({ validityPeriod: optional(Period), expectedSupplyDuration: optional(Quantity) }),
  ),
  contained: repeated(v.object({ resourceType: text, id: optional(text) })),
});
export type MedicationRequest = v.InferOutput<typeof MedicationRequest>;

export const MedicationDispense = v.object({
  resourceType: v.literal('MedicationDispense'),
  status: optional(text),
  medicationCodeableConcept: optional(CodeableConcept),
  medicationReference: optional(Reference),
  whenHandedOver: optional(text),
  whenPrepared: optional(text),
  daysSupply: optional(Quantity),
  dosageInstruction: repeated(Dosage),
  contained: repeated(v.object({ resourceType: text, id: optional(text) })),
});

export const Condition = v.object({
  resourceType: v.literal('Condition'),
  code: optional(CodeableConcept),
  category: repeated(CodeableConcept),
  clinicalStatus: optional(CodeableConcept),
  verificationStatus: optional(CodeableConcept),
  abatementDateTime: optional(text),
  onsetDateTime: optional(text),
  onsetString: optional(text),
  onsetPeriod: optional(Period),
  recordedDate: optional(text),
});

export const Procedure = v.object({
  resourceType: v.literal('Procedure'),
  status: optional(text),
  code: optional(CodeableConcept),
  performedDateTime: optional(text),
  performedPeriod: optional(Period),
  performedString: optional(text),
});

export const Observation = v.object({
  resourceType: v.literal('Observation'),
  status: optional(text),
  code: optional(CodeableConcept),
  valueBoolean: optional(v.boolean()),
  valueInteger: optional(v.number()),
  dataAbsentReason: optional(CodeableConcept),
  effectiveDateTime: optional(text),
  effectivePeriod: optional(Period),
  issued: optional(text),
  valueQuantity: optional(Quantity),
  valueString: optional(text),
  valueCodeableConcept: optional(CodeableConcept),
});

export const DeviceUseStatement = v.object({
  resourceType: v.literal('DeviceUseStatement'),
  status: optional(text),
  device: optional(Reference),
  timingDateTime: optional(text),
  timingPeriod: optional(Period),
  recordedOn: optional(text),
});

export const Device = v.object({
  resourceType: v.literal('Device'),
  status: optional(text),
  type: optional(CodeableConcept),
  deviceName: repeated(v.object({ name: text })),
  manufactureDate: optional(text),
});

export const Consent = v.object({
  resourceType: v.literal('Consent'),
  status: optional(text),
  scope: optional(CodeableConcept),
  category: repeated(CodeableConcept),
  dateTime: optional(text),
  provision: optional(
    v.object({
      type: optional(text),
      code: repeated(CodeableConcept),
      action: repeated(CodeableConcept),
    }),
  ),
});

export const Coverage = v.object({
  resourceType: v.literal('Coverage'),
  status: text,
  type: optional(CodeableConcept),
  period: optional(Period),
  payor: repeated(Reference),
});
