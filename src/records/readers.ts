import * as v from 'valibot';
import type { IndexedResource } from './bundle-index.js';
import {
  codesOf,
  identityOf,
  withDate,
  type EntryRead,
  type ReadContext,
  type ResourceReader,
} from './entry-read.js';
import * as F from './fhir.js';
import { conceptName, datePart } from './fhir-text.js';
import { readMedication } from './medication-reader.js';
import { negationOf } from './negations.js';
import type {
  AllergyCategory,
  ClinicalStatus,
  Criticality,
  SectionItems,
  SectionKey,
  Severity,
} from '../summary/index.js';

export const parseAs = <S extends v.GenericSchema>(
  schema: S,
  resource: IndexedResource,
): v.InferOutput<S> | undefined => {
  const parsed = v.safeParse(schema, resource.resource);
  return parsed.success ? parsed.output : undefined;
};

/** Identifiers and meta of a resource, parsed once however many readers ask. */
const heads = new WeakMap<IndexedResource, v.InferOutput<typeof F.ResourceHead> | undefined>();
const head = (resource: IndexedResource) => {
  if (heads.has(resource)) return heads.get(resource);
  const parsed = parseAs(F.ResourceHead, resource);
  heads.set(resource, parsed);
  return parsed;
};

export const item = <K extends SectionKey>(
  key: K,
  resource: IndexedResource,
  value: SectionItems[K],
  name: string,
  date: string | undefined,
): EntryRead<K> => ({
  kind: 'item',
  key,
  item: value,
  identity: identityOf(
    resource.resourceType,
    head(resource)?.identifier ?? [],
    value.codes,
    name,
    datePart(date),
  ),
});

const statement = <K extends SectionKey>(
  key: K,
  concept: F.CodeableConcept | undefined,
): EntryRead<K> | undefined => {
  const negation = negationOf(concept);
  if (negation === undefined) return undefined;
  return negation.noKnown === undefined
    ? { kind: 'statement', key, statement: negation.statement }
    : { kind: 'statement', key, statement: negation.statement, noKnown: negation.noKnown };
};

const firstCode = (concept: F.CodeableConcept | undefined): string | undefined =>
  concept?.coding.find((c) => c.code !== undefined)?.code;

type Defined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};
/** Only defined fields: the model's optional fields are absent, never `undefined`. */
const defined = <T extends object>(o: T): Defined<T> =>
  Object.fromEntries(Object.entries(o).filter(([, value]) => value !== undefined)) as Defined<T>;

const ALLERGY_CATEGORIES: readonly AllergyCategory[] = ['food', 'medication', 'environment', 'biologic'];
const CRITICALITIES: readonly Criticality[] = ['high', 'low', 'unable-to-assess'];
const SEVERITIES: readonly Severity[] = ['severe', 'moderate', 'mild'];
/** verificationStatus values that withdraw the record (AllergyIntolerance / Condition verification). */
const WITHDRAWN = new Set(['refuted', 'entered-in-error']);

/** JP-CLINS: a drug AllergyIntolerance is a 薬剤禁忌 (JP_AllergyIntolerance_CLINS_eCS: "the category
 *  medication tells a drug contraindication from an allergy"); also the JP_DrugContraIndication_eCS profile. */
const isJapaneseContraindication = (a: F.AllergyIntolerance, profiles: readonly string[]): boolean =>
  profiles.some((p) => /DrugContraIndication/i.test(p)) ||
  (a.category.includes('medication') && profiles.some((p) => /jpfhir\.jp\/fhir\/(clins|eCS)\//.test(p)));

const allergy: ResourceReader = (resource, ctx) => {
  const a = parseAs(F.AllergyIntolerance, resource);
  if (a === undefined) return [{ kind: 'unreadable', key: 'allergies' }];
  if (WITHDRAWN.has(firstCode(a.verificationStatus) ?? '')) return [{ kind: 'withdrawn', key: 'allergies' }];
  const said = statement('allergies', a.code);
  if (said !== undefined) return [said];
  const substance = conceptName(a.code) ?? conceptName(a.reaction[0]?.substance);
  if (substance === undefined) return [{ kind: 'unreadable', key: 'allergies' }];
  const recorded = a.recordedDate ?? a.onsetDateTime ?? a.onsetPeriod?.start;
  const notes = [
    ...a.note.flatMap((n) => n.text ?? []),
    ...a.reaction.flatMap((r) => [
      ...(r.description === undefined ? [] : [r.description]),
      ...r.note.flatMap((n) => n.text ?? []),
    ]),
  ];
  const note = notes.length === 0 ? undefined : notes.join(' / ');
  const codes = codesOf(a.code, ...a.reaction.map((r) => r.substance));
  const provenance = withDate(ctx.provenance, recorded);
  const reads: EntryRead[] = [
    item(
      'allergies',
      resource,
      defined({
        substance,
        category: ALLERGY_CATEGORIES.find((c) => a.category.includes(c)) ?? 'unknown',
        criticality: CRITICALITIES.find((c) => c === a.criticality) ?? 'unknown',
        severity: SEVERITIES.find((s) => a.reaction.some((r) => r.severity === s)),
        reactions: a.reaction.flatMap((r) => r.manifestation.flatMap((m) => conceptName(m) ?? [])),
        note,
        verification: firstCode(a.verificationStatus),
        codes,
        provenance,
      }),
      substance,
      recorded,
    ),
  ];
  if (isJapaneseContraindication(a, head(resource)?.meta?.profile ?? []))
    reads.push(
      item(
        'contraindications',
        resource,
        defined({ substance, note, codes, provenance }),
        substance,
        recorded,
      ),
    );
  return reads;
};

const CLINICAL_STATUSES: readonly ClinicalStatus[] = [
  'active',
  'recurrence',
  'relapse',
  'inactive',
  'remission',
  'resolved',
];

/** Where a Condition goes: its section says; else resolved/inactive/remission is past illness. */
const conditionKey = (hint: SectionKey | undefined, status: ClinicalStatus | undefined): SectionKey => {
  if (hint === 'pastIllness' || hint === 'infections' || hint === 'problems') return hint;
  return status === 'resolved' || status === 'inactive' || status === 'remission'
    ? 'pastIllness'
    : 'problems';
};

const condition: ResourceReader = (resource, ctx) => {
  const c = parseAs(F.Condition, resource);
  const status = CLINICAL_STATUSES.find((s) => s === firstCode(c?.clinicalStatus));
  const key = conditionKey(ctx.hint, status);
  if (c === undefined) return [{ kind: 'unreadable', key }];
  if (WITHDRAWN.has(firstCode(c.verificationStatus) ?? '')) return [{ kind: 'withdrawn', key }];
  const said = statement(key, c.code);
  if (said !== undefined) return [said];
  const name = conceptName(c.code);
  if (name === undefined) return [{ kind: 'unreadable', key }];
  const onset = c.onsetDateTime ?? c.onsetPeriod?.start ?? c.onsetString;
  const date = c.recordedDate ?? datePart(onset);
  return [
    item(
      key,
      resource,
      defined({
        name,
        clinicalStatus: status,
        verification: firstCode(c.verificationStatus),
        onset,
        codes: codesOf(c.code),
        provenance: withDate(ctx.provenance, date),
      }),
      name,
      date,
    ),
  ];
};

const procedure: ResourceReader = (resource, ctx) => {
  const p = parseAs(F.Procedure, resource);
  if (p === undefined) return [{ kind: 'unreadable', key: 'procedures' }];
  if (p.status === 'entered-in-error' || p.status === 'not-done')
    return [{ kind: 'withdrawn', key: 'procedures' }];
  const said = statement('procedures', p.code);
  if (said !== undefined) return [said];
  const name = conceptName(p.code);
  if (name === undefined) return [{ kind: 'unreadable', key: 'procedures' }];
  const performed =
    p.performedDateTime ?? p.performedPeriod?.end ?? p.performedPeriod?.start ?? p.performedString;
  return [
    item(
      'procedures',
      resource,
      defined({
        name,
        performed,
        codes: codesOf(p.code),
        provenance: withDate(ctx.provenance, datePart(performed)),
      }),
      name,
      performed,
    ),
  ];
};

const deviceName = (d: v.InferOutput<typeof F.Device> | undefined): string | undefined =>
  d === undefined ? undefined : (d.deviceName[0]?.name ?? conceptName(d.type));

const device: ResourceReader = (resource, ctx) => {
  if (resource.resourceType === 'Device') {
    const d = parseAs(F.Device, resource);
    const name = deviceName(d);
    if (d === undefined || name === undefined) return [{ kind: 'unreadable', key: 'devices' }];
    if (d.status === 'entered-in-error') return [{ kind: 'withdrawn', key: 'devices' }];
    const said = statement('devices', d.type);
    if (said !== undefined) return [said];
    return [
      item(
        'devices',
        resource,
        defined({ name, status: d.status, codes: codesOf(d.type), provenance: ctx.provenance }),
        name,
        undefined,
      ),
    ];
  }
  const u = parseAs(F.DeviceUseStatement, resource);
  if (u === undefined) return [{ kind: 'unreadable', key: 'devices' }];
  if (u.status === 'entered-in-error') return [{ kind: 'withdrawn', key: 'devices' }];
  const target = ctx.bundle.resolve(u.device?.reference);
  const d = target === undefined ? undefined : parseAs(F.Device, target);
  const said = statement('devices', d?.type);
  if (said !== undefined) return [said];
  const name = deviceName(d) ?? u.device?.display;
  if (name === undefined) return [{ kind: 'unreadable', key: 'devices' }];
  const date = u.timingDateTime ?? u.timingPeriod?.start ?? u.recordedOn;
  return [
    item(
      'devices',
      resource,
      defined({
        name,
        status: u.status,
        codes: codesOf(d?.type),
        provenance: withDate(ctx.provenance, date),
      }),
      name,
      date,
    ),
  ];
};

const consent: ResourceReader = (resource, ctx) => {
  const c = parseAs(F.Consent, resource);
  if (c === undefined) return [{ kind: 'unreadable', key: 'advanceDirectives' }];
  // Consent is also used for privacy and treatment consents: only an advance-directive one is ours
  // (R4 consentscope `adr`), or one listed in an advance directives section.
  if (ctx.hint !== 'advanceDirectives' && firstCode(c.scope) !== 'adr') return [];
  if (c.status === 'entered-in-error' || c.status === 'inactive')
    return [{ kind: 'withdrawn', key: 'advanceDirectives' }];
  const what = [...c.category, ...(c.provision?.code ?? [])].flatMap((x) => conceptName(x) ?? []);
  const text = [c.provision?.type === 'deny' ? 'deny' : undefined, ...what]
    .filter((x) => x !== undefined)
    .join(': ');
  if (text === '') return [{ kind: 'unreadable', key: 'advanceDirectives' }];
  return [
    item(
      'advanceDirectives',
      resource,
      defined({
        text,
        status: c.status,
        codes: codesOf(...c.category, ...(c.provision?.code ?? [])),
        provenance: withDate(ctx.provenance, c.dateTime),
      }),
      text,
      c.dateTime,
    ),
  ];
};

/** LOINC 82810-3 Pregnancy status, 11449-6 Pregnancy status (older), 11778-8 delivery date (estimated). */
const PREGNANCY_CODES = new Set(['82810-3', '11449-6', '11778-8']);

const observationValue = (o: v.InferOutput<typeof F.Observation>): string | undefined => {
  const q = o.valueQuantity;
  if (q?.value !== undefined) return `${q.value} ${q.unit ?? q.code ?? ''}`.trim();
  if (o.valueBoolean !== undefined) return o.valueBoolean ? 'yes' : 'no';
  if (o.valueInteger !== undefined) return String(o.valueInteger);
  return o.valueString ?? conceptName(o.valueCodeableConcept);
};

const observationKey = (
  o: v.InferOutput<typeof F.Observation>,
  ctx: ReadContext,
  profiles: readonly string[],
): SectionKey => {
  if (
    o.code?.coding.some((c) => c.system === 'http://loinc.org' && PREGNANCY_CODES.has(c.code ?? '')) === true
  )
    return 'pregnancy';
  if (ctx.hint === 'pregnancy' || ctx.hint === 'infections' || ctx.hint === 'advanceDirectives')
    return ctx.hint;
  // JP-CLINS 感染症情報 are Observations of infection-related tests (JP_Observation_LabResult_InfectionRelated_eCS).
  if (profiles.some((p) => /InfectionRelated/i.test(p))) return 'infections';
  return 'results';
};

const observation: ResourceReader = (resource, ctx) => {
  const o = parseAs(F.Observation, resource);
  const key =
    o === undefined ? (ctx.hint ?? 'results') : observationKey(o, ctx, head(resource)?.meta?.profile ?? []);
  if (o === undefined) return [{ kind: 'unreadable', key }];
  if (o.status === 'entered-in-error' || o.status === 'cancelled') return [{ kind: 'withdrawn', key }];
  const name = conceptName(o.code);
  const value =
    observationValue(o) ??
    (o.dataAbsentReason === undefined ? undefined : `(${conceptName(o.dataAbsentReason) ?? 'no value'})`);
  if (name === undefined || value === undefined) return [{ kind: 'unreadable', key }];
  const date = o.effectiveDateTime ?? o.effectivePeriod?.end ?? o.effectivePeriod?.start ?? o.issued;
  const codes = codesOf(o.code, o.valueCodeableConcept);
  const provenance = withDate(ctx.provenance, date);
  if (key === 'pregnancy' || key === 'advanceDirectives')
    return [item(key, resource, { text: `${name}: ${value}`, codes, provenance }, name, date)];
  if (key === 'infections')
    return [item(key, resource, defined({ name, value, codes, provenance }), name, date)];
  return [item('results', resource, { name, value, codes, provenance }, name, date)];
};

const coverage: ResourceReader = (resource, ctx) => {
  const c = parseAs(F.Coverage, resource);
  if (c === undefined) return [{ kind: 'unreadable', key: 'insurance' }];
  if (c.status === 'entered-in-error') return [{ kind: 'withdrawn', key: 'insurance' }];
  const kind = conceptName(c.type) ?? c.type?.coding[0]?.code;
  const name = kind ?? 'coverage';
  return [
    item(
      'insurance',
      resource,
      defined({
        status: c.status,
        eligible:
          c.status === 'active' &&
          (c.period?.end === undefined || (datePart(c.period.end) ?? '') >= ctx.asOf),
        kind,
        insurer: c.payor[0]?.display,
        periodEnd: c.period?.end,
        codes: codesOf(c.type),
        provenance: withDate(ctx.provenance, c.period?.start),
      }),
      name,
      c.period?.start,
    ),
  ];
};

/** The reader for each resource type the summary reads; other types are not clinical facts for it. */
export const READERS: Readonly<Record<string, ResourceReader>> = {
  AllergyIntolerance: allergy,
  Condition: condition,
  Procedure: procedure,
  Device: device,
  DeviceUseStatement: device,
  Consent: consent,
  Observation: observation,
  Coverage: coverage,
  MedicationRequest: readMedication,
  MedicationStatement: readMedication,
  MedicationDispense: readMedication,
};
