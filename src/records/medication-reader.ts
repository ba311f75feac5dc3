import * as v from 'valibot';
import type { BundleIndex, IndexedResource } from './bundle-index.js';
import { ATC_SYSTEM, classifyDrug } from './drug-classes.js';
import { codesOf, identityOf, withDate, type EntryRead, type ResourceReader } from './entry-read.js';
import * as F from './fhir.js';
import { datePart, isJapanese, translation } from './fhir-text.js';
import { negationOf } from './negations.js';
import type { Medication } from '../summary/index.js';

/**
 * MedicationRequest / MedicationStatement / MedicationDispense → a medication, current or past.
 * "Current" (docs/records.md): not withdrawn by its status, and its supply (start + days' supply)
 * did not end more than GRACE_DAYS before the reference date. Without an end we cannot tell, and a
 * medication we cannot tell about counts as current: a missing anticoagulant flag is the worse error.
 */
const GRACE_DAYS = 30;
const DAY_MS = 86_400_000;

/** Statuses that say the patient is no longer on it (R4 medicationrequest-status, medication-statement-status, medicationdispense-status). */
const PAST_STATUSES = new Set(['stopped', 'cancelled', 'not-taken', 'declined']);
const WITHDRAWN_STATUSES = new Set(['entered-in-error']);

/** JP Core dosage extensions carrying the period of use and the number of days. */
const JP_PERIOD_OF_USE =
  'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_MedicationDosage_PeriodOfUse';
const JP_USAGE_DURATIONS = new Set([
  'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_MedicationDosage_UsageDuration',
  'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_MedicationRequest_DosageInstruction_UsageDuration',
]);

const UNIT_DAYS: Readonly<Record<string, number>> = { d: 1, day: 1, 日: 1, wk: 7, mo: 30, a: 365, h: 1 / 24 };

const durationDays = (q: F.Quantity | undefined): number | undefined => {
  if (q?.value === undefined || q.value < 0) return undefined;
  const unit = UNIT_DAYS[q.code ?? q.unit ?? ''];
  return unit === undefined ? undefined : Math.ceil(q.value * unit);
};

/** The last day a FHIR date can mean (`2024` → 2024-12-31, `2024-02` → 2024-02-29), as epoch ms. */
const lastDayOf = (value: string | undefined): number | undefined => {
  const d = datePart(value);
  if (d === undefined) return undefined;
  const [y, m, day] = d.split('-').map(Number);
  if (y === undefined) return undefined;
  if (m === undefined) return Date.UTC(y, 11, 31);
  return day === undefined ? Date.UTC(y, m, 0) : Date.UTC(y, m - 1, day);
};

const supplyEnd = (start: string | undefined, days: number | undefined): number | undefined => {
  const from = lastDayOf(start);
  return from === undefined || days === undefined ? undefined : from + days * DAY_MS;
};

const isCurrent = (status: string | undefined, end: number | undefined, asOf: string): boolean => {
  if (status !== undefined && PAST_STATUSES.has(status)) return false;
  const ref = lastDayOf(asOf);
  return end === undefined || ref === undefined || end + GRACE_DAYS * DAY_MS >= ref;
};

const dosageExtensions = (dosages: readonly F.Dosage[]) => dosages.flatMap((d) => d.extension);

const dosageDays = (dosages: readonly F.Dosage[]): number | undefined =>
  durationDays(
    dosages.find((d) => d.timing?.repeat?.boundsDuration !== undefined)?.timing?.repeat?.boundsDuration,
  ) ?? durationDays(dosageExtensions(dosages).find((e) => JP_USAGE_DURATIONS.has(e.url))?.valueDuration);

/** Medication[x]: the inline concept, or the referenced (contained or Bundle) Medication's code and ingredients. */
const concepts = (
  inline: F.CodeableConcept | undefined,
  reference: string | undefined,
  contained: readonly { resourceType: string; id?: string | undefined }[],
  bundle: BundleIndex,
): F.CodeableConcept[] => {
  if (inline !== undefined) return [inline];
  const raw =
    reference?.startsWith('#') === true
      ? contained.find((c) => c.resourceType === 'Medication' && c.id === reference.slice(1))
      : bundle.resolve(reference)?.resource;
  const parsed = raw === undefined ? undefined : v.safeParse(F.Medication, raw);
  if (parsed?.success !== true) return [];
  return [
    ...(parsed.output.code === undefined ? [] : [parsed.output.code]),
    ...parsed.output.ingredient.flatMap((i) => i.itemCodeableConcept ?? []),
  ];
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
  const parts = [amount ?? dosage.timing?.code?.text, frequency].filter((p) => p !== undefined);
  return parts.length === 0 ? undefined : parts.join(', ');
};

interface Read {
  readonly status: string | undefined;
  readonly concepts: readonly F.CodeableConcept[];
  readonly dosages: readonly F.Dosage[];
  /** The date shown and used for freshness: dispensed, else prescribed, else asserted. */
  readonly date: string | undefined;
  readonly end: number | undefined;
}

const readRequest = (r: IndexedResource, bundle: BundleIndex): Read | undefined => {
  const m = v.safeParse(F.MedicationRequest, r.resource);
  if (!m.success) return undefined;
  const o = m.output;
  const periodStart = dosageExtensions(o.dosageInstruction).find((e) => e.url === JP_PERIOD_OF_USE)
    ?.valuePeriod?.start;
  const start = periodStart ?? o.authoredOn ?? o.dispenseRequest?.validityPeriod?.start;
  const boundsEnd = o.dosageInstruction.find((d) => d.timing?.repeat?.boundsPeriod?.end !== undefined)?.timing
    ?.repeat?.boundsPeriod?.end;
  const days = durationDays(o.dispenseRequest?.expectedSupplyDuration) ?? dosageDays(o.dosageInstruction);
  return {
    status: o.status,
    concepts: concepts(o.medicationCodeableConcept, o.medicationReference?.reference, o.contained, bundle),
    dosages: o.dosageInstruction,
    date: start,
    end: lastDayOf(boundsEnd) ?? supplyEnd(start, days),
  };
};

const readStatement = (r: IndexedResource, bundle: BundleIndex): Read | undefined => {
  const m = v.safeParse(F.MedicationStatement, r.resource);
  if (!m.success) return undefined;
  const o = m.output;
  return {
    status: o.status,
    concepts: concepts(o.medicationCodeableConcept, o.medicationReference?.reference, o.contained, bundle),
    dosages: o.dosage,
    // effective[x] is the dispensing date in claim-based records; else dateAsserted.
    date: o.effectiveDateTime ?? o.effectivePeriod?.start ?? o.dateAsserted,
    end:
      lastDayOf(o.effectivePeriod?.end) ??
      supplyEnd(o.effectiveDateTime ?? o.effectivePeriod?.start, dosageDays(o.dosage)),
  };
};

const readDispense = (r: IndexedResource, bundle: BundleIndex): Read | undefined => {
  const m = v.safeParse(F.MedicationDispense, r.resource);
  if (!m.success) return undefined;
  const o = m.output;
  const date = o.whenHandedOver ?? o.whenPrepared;
  return {
    status: o.status,
    concepts: concepts(o.medicationCodeableConcept, o.medicationReference?.reference, o.contained, bundle),
    dosages: o.dosageInstruction,
    date,
    end: supplyEnd(date, durationDays(o.daysSupply) ?? dosageDays(o.dosageInstruction)),
  };
};

const names = (
  all: readonly F.CodeableConcept[],
): { japaneseName: string | undefined; name: string | undefined } => {
  const codings = all.flatMap((c) => c.coding);
  const displays = codings.flatMap((c) => c.display ?? []);
  const texts = all.flatMap((c) => c.text ?? []);
  const japaneseName =
    codings.map((c) => translation(c, 'ja')).find((t) => t !== undefined) ??
    [...texts, ...displays].find((s) => isJapanese(s));
  const name =
    codings.find((c) => c.system === ATC_SYSTEM)?.display ??
    displays.find((d) => !isJapanese(d)) ??
    texts.find((t) => !isJapanese(t)) ??
    japaneseName ??
    codings.find((c) => c.code !== undefined)?.code;
  return { japaneseName, name };
};

export const readMedication: ResourceReader = (resource, ctx) => {
  const read =
    resource.resourceType === 'MedicationRequest'
      ? readRequest(resource, ctx.bundle)
      : resource.resourceType === 'MedicationDispense'
        ? readDispense(resource, ctx.bundle)
        : readStatement(resource, ctx.bundle);
  if (read === undefined || read.concepts.length === 0) return [{ kind: 'unreadable', key: 'medications' }];
  if (read.status !== undefined && WITHDRAWN_STATUSES.has(read.status))
    return [{ kind: 'withdrawn', key: 'medications' }];
  const negation = negationOf(read.concepts[0]);
  if (negation !== undefined)
    return [{ kind: 'statement', key: 'medications', statement: negation.statement }];
  const { japaneseName, name } = names(read.concepts);
  if (name === undefined) return [{ kind: 'unreadable', key: 'medications' }];
  const codes = codesOf(...read.concepts);
  const classification = classifyDrug(
    { codings: codes, names: [...new Set([japaneseName, name].filter((n) => n !== undefined))] },
    ctx.catalogue,
  );
  const dose = doseText(read.dosages[0]);
  const item: Medication = {
    ...(japaneseName === undefined ? {} : { japaneseName }),
    name,
    ...(dose === undefined ? {} : { dose }),
    current: isCurrent(read.status, read.end, ctx.asOf),
    classified: classification.classified,
    flags: classification.flags,
    ...(read.status === undefined ? {} : { status: read.status }),
    codes,
    provenance: withDate(ctx.provenance, read.date),
  };
  const ids = v.safeParse(F.ResourceHead, resource.resource);
  return [
    {
      kind: 'item',
      key: 'medications',
      item,
      identity: identityOf(
        resource.resourceType,
        ids.success ? ids.output.identifier : [],
        codes,
        name,
        datePart(read.date),
      ),
    } satisfies EntryRead<'medications'>,
  ];
};
