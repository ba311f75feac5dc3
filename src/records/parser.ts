import * as v from 'valibot';
import { phi } from '../log/index.js';
import { BundleIndex, type IndexedResource } from './bundle-index.js';
import type { DrugCatalogue } from './drug-classes-catalogue.js';
import type { EntryRead, ReadContext } from './entry-read.js';
import * as F from './fhir.js';
import { conceptName, datePart, isJapanese } from './fhir-text.js';
import { criticalFlags, finishSection, newAccs, type Accs } from './merge.js';
import { READERS } from './readers.js';
import { sectionKeyOf } from './section-codes.js';
import type {
  EmergencySummary,
  InputError,
  InputReport,
  PatientDetails,
  Provenance,
  SectionKey,
} from '../summary/index.js';

export interface ParseOptions {
  /** The MHLW price list, for drugs known only by receipt / HOT code or name (helper "drugs"). */
  readonly catalogue?: DrugCatalogue;
  /** Reference time for "current" medication and insurance eligibility; default now. */
  readonly asOf?: Date;
}

type Read<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: InputError };

/** One input → a readable Bundle, or why not. */
const bundleOf = (input: unknown): Read<v.InferOutput<typeof F.Bundle>> => {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { ok: false, error: 'not-a-resource' };
  const type = (input as { resourceType?: unknown }).resourceType;
  if (typeof type !== 'string') return { ok: false, error: 'not-a-resource' };
  if (type !== 'Bundle') return { ok: false, error: 'not-a-bundle' };
  const parsed = v.safeParse(F.Bundle, input);
  if (!parsed.success || !(F.BUNDLE_TYPES as readonly string[]).includes(parsed.output.type))
    return { ok: false, error: 'bundle-type-unsupported' };
  return { ok: true, value: parsed.output };
};

const parseAs = <S extends v.GenericSchema>(
  schema: S,
  r: IndexedResource | undefined,
): v.InferOutput<S> | undefined => {
  if (r === undefined) return undefined;
  const parsed = v.safeParse(schema, r.resource);
  return parsed.success ? parsed.output : undefined;
};

const patientOf = (
  index: BundleIndex,
  composition: F.Composition | undefined,
): PatientDetails | undefined => {
  const subject = index.resolve(composition?.subject?.reference);
  const p = parseAs(F.Patient, subject?.resourceType === 'Patient' ? subject : index.ofType(['Patient'])[0]);
  if (p === undefined) return undefined;
  const n = p.name[0];
  const given = n?.given.join(' ') ?? '';
  const joined =
    n?.family === undefined ? given : `${n.family}${isJapanese(n.family) ? '\u3000' : ' '}${given}`;
  return {
    name: n?.text ?? (joined.trim() === '' ? undefined : joined.trim()),
    birthDate: p.birthDate,
    gender: p.gender,
  };
};

/** Who issued the document: custodian, else an author Organization (name, else the reference display). */
const organisationOf = (index: BundleIndex, composition: F.Composition | undefined): string | undefined => {
  const refs = [
    ...(composition?.custodian === undefined ? [] : [composition.custodian]),
    ...(composition?.author ?? []),
  ];
  for (const ref of refs) {
    const org = parseAs(F.Organization, index.resolve(ref.reference));
    if (org?.name !== undefined) return org.name;
  }
  return undefined;
};

const documentOf = (bundle: v.InferOutput<typeof F.Bundle>, composition: F.Composition | undefined): string =>
  composition?.title ??
  conceptName(composition?.type) ??
  bundle.identifier?.value ??
  bundle.id ??
  `${bundle.type} Bundle`;

export const sourceLabel = (p: Omit<Provenance, 'date'>): string =>
  [p.document, p.organisation].filter((x) => x !== undefined).join(' · ');

/** Composition.section.emptyReason (list-empty-reason) of an empty section. */
const markEmpty = (
  accs: Accs,
  key: SectionKey,
  reason: F.CodeableConcept | undefined,
  date: string | undefined,
  source: string,
) => {
  const code = reason?.coding.find((c) => c.code !== undefined)?.code;
  const acc = accs[key];
  if (code === 'nilknown') {
    acc.noneKnownAt.push(date);
    acc.noneKnownSources.add(source);
  } else if (code === 'withheld') acc.withheld = true;
  else acc.notRecorded = true;
};

const add = (
  accs: Accs,
  reads: readonly EntryRead[],
  resource: IndexedResource,
  date: string | undefined,
  source: string,
) => {
  for (const read of reads) {
    const acc = accs[read.key];
    switch (read.kind) {
      case 'item':
        acc.items.push({
          item: read.item,
          identity:
            resource.fullUrl?.startsWith('urn:uuid:') === true
              ? [...read.identity, `${read.key}:${resource.fullUrl}`]
              : read.identity,
          source,
        });
        break;
      case 'statement':
        if (read.statement === 'none-known') {
          acc.noneKnownAt.push(date);
          acc.noneKnownSources.add(source);
          if (read.noKnown !== undefined) acc.noKnown.add(read.noKnown);
        } else acc.notRecorded = true;
        break;
      case 'unreadable':
        acc.unreadable += 1;
        break;
      case 'withdrawn':
        acc.withdrawn += 1;
        break;
      default:
        read satisfies never;
    }
  }
};

/** Resources other resources point into (a MedicationRequest's Medication, a DeviceUseStatement's Device): not facts of their own. */
const pointedTo = (index: BundleIndex): Set<IndexedResource> => {
  const targets = new Set<IndexedResource>();
  for (const r of index.resources) {
    for (const field of ['medicationReference', 'device']) {
      const ref = (r.resource[field] as { reference?: unknown } | undefined)?.reference;
      const target = typeof ref === 'string' ? index.resolve(ref) : undefined;
      if (target !== undefined) targets.add(target);
    }
  }
  return targets;
};

interface Context {
  readonly asOf: string;
  readonly catalogue: DrugCatalogue | undefined;
}

/** One readable Bundle into the accumulators; returns what it says about the patient and when. */
const readBundle = (bundle: v.InferOutput<typeof F.Bundle>, accs: Accs, context: Context) => {
  const index = new BundleIndex(bundle.entry);
  const composition = parseAs(F.Composition, index.ofType(['Composition'])[0]);
  const provenance = {
    document: documentOf(bundle, composition),
    ...optional('organisation', organisationOf(index, composition)),
  };
  const source = sourceLabel(provenance);
  const date = composition?.date ?? bundle.timestamp;
  const listed = new Set<IndexedResource>();
  const read = (resource: IndexedResource, hint: SectionKey | undefined) => {
    const reader = READERS[resource.resourceType];
    if (reader === undefined) return;
    const ctx: ReadContext = {
      bundle: index,
      hint,
      provenance,
      asOf: context.asOf,
      catalogue: context.catalogue,
    };
    add(accs, reader(resource, ctx) ?? [], resource, date, source);
  };
  const walk = (sections: readonly F.CompositionSection[]) => {
    for (const section of sections) {
      const key = sectionKeyOf(section.code);
      if (key !== undefined && section.entry.length === 0 && section.section.length === 0)
        markEmpty(accs, key, section.emptyReason, date, source);
      // A listed section is never "not sent", even when its entries belong to other sections.
      else if (key !== undefined) accs[key].notRecorded = true;
      for (const ref of section.entry) {
        const resource = index.resolve(ref.reference);
        if (resource === undefined) {
          // A reference the Bundle does not hold: an entry of ours we could not read.
          if (key !== undefined) accs[key].unreadable += 1;
          continue;
        }
        listed.add(resource);
        read(resource, key);
      }
      walk(section.section);
    }
  };
  walk(composition?.section ?? []);
  // Where the Composition does not say (collections, searchsets, resources no section lists): by type.
  const inner = pointedTo(index);
  for (const resource of index.resources)
    if (!listed.has(resource) && !inner.has(resource)) read(resource, undefined);
  // Entries without a resource type could have been anything: every section counts them.
  if (index.unplaceable > 0) for (const acc of Object.values(accs)) acc.unreadable += index.unplaceable;
  return { patient: patientOf(index, composition), date, source };
};

const optional = <K extends string, T>(key: K, value: T | undefined): { [P in K]?: T } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: T };

const samePatient = (a: PatientDetails, b: PatientDetails): boolean =>
  (a.birthDate === undefined ||
    b.birthDate === undefined ||
    datePart(a.birthDate) === datePart(b.birthDate)) &&
  (a.gender === undefined || b.gender === undefined || a.gender === b.gender);

/**
 * FHIR R4 Bundles (document, collection, searchset) of one patient → one EmergencySummary, merged and
 * de-duplicated. Total: any inputs give a summary; inputs that cannot be read are listed in `rejected`
 * and counted by every section. Inputs that name different patients (birth date or sex disagree)
 * are all rejected (`other-patient`): one patient's facts are never shown under another's identity.
 */
export const parseSummary = (inputs: readonly unknown[], options: ParseOptions = {}): EmergencySummary => {
  const context: Context = {
    asOf: (options.asOf ?? new Date()).toISOString().slice(0, 10),
    catalogue: options.catalogue,
  };
  const accs = newAccs();
  const rejected: InputReport[] = [];
  const patients: PatientDetails[] = [];
  const dates: (string | undefined)[] = [];
  const documents = new Set<string>();
  inputs.forEach((input, index) => {
    const bundle = bundleOf(input);
    if (!bundle.ok) {
      rejected.push({ index, error: bundle.error });
      return;
    }
    const read = readBundle(bundle.value, accs, context);
    if (read.patient !== undefined) patients.push(read.patient);
    dates.push(read.date);
    documents.add(read.source);
  });
  const conflict = patients.some((p) => patients.some((q) => !samePatient(p, q)));
  if (conflict)
    return unreadableSummary(inputs.map((_, index) => ({ index, error: 'other-patient' as const })));
  const sections = {
    allergies: finishSection<'allergies'>(accs.allergies, rejected.length),
    contraindications: finishSection<'contraindications'>(accs.contraindications, rejected.length),
    medications: finishSection<'medications'>(accs.medications, rejected.length),
    problems: finishSection<'problems'>(accs.problems, rejected.length),
    pastIllness: finishSection<'pastIllness'>(accs.pastIllness, rejected.length),
    infections: finishSection<'infections'>(accs.infections, rejected.length),
    procedures: finishSection<'procedures'>(accs.procedures, rejected.length),
    devices: finishSection<'devices'>(accs.devices, rejected.length),
    advanceDirectives: finishSection<'advanceDirectives'>(accs.advanceDirectives, rejected.length),
    pregnancy: finishSection<'pregnancy'>(accs.pregnancy, rejected.length),
    results: finishSection<'results'>(accs.results, rejected.length),
    insurance: finishSection<'insurance'>(accs.insurance, rejected.length),
  };
  const patient = patients[0] ?? { name: undefined, birthDate: undefined, gender: undefined };
  return {
    patient: phi(patient),
    composedAt: dates
      .filter((d) => d !== undefined)
      .sort()
      .at(-1),
    documents: [...documents].sort(),
    rejected,
    ...sections,
    criticalFlags: criticalFlags(sections.medications),
  };
};

/** Nothing could be used: every section unavailable (unreadable). */
const unreadableSummary = (rejected: readonly InputReport[]): EmergencySummary => {
  const none = { status: 'unavailable', reason: 'unreadable' } as const;
  return {
    patient: phi({ name: undefined, birthDate: undefined, gender: undefined }),
    composedAt: undefined,
    documents: [],
    rejected,
    allergies: none,
    contraindications: none,
    medications: none,
    criticalFlags: { status: 'unavailable', flags: [], unclassified: 0 },
    problems: none,
    pastIllness: none,
    infections: none,
    procedures: none,
    devices: none,
    advanceDirectives: none,
    pregnancy: none,
    results: none,
    insurance: none,
  };
};

/** Raw bytes (UTF-8 JSON) per input; bytes that are not JSON are rejected as `not-json`. */
export const parseSummaryBytes = (
  inputs: readonly Uint8Array[],
  options: ParseOptions = {},
): EmergencySummary => {
  const NOT_JSON = Symbol('not-json');
  const decoded = inputs.map((bytes): unknown => {
    try {
      return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
    } catch {
      return NOT_JSON;
    }
  });
  const summary = parseSummary(
    decoded.map((d) => (d === NOT_JSON ? undefined : d)),
    options,
  );
  // parseSummary sees `undefined` for bytes that were not JSON: name the real cause.
  const rejected = summary.rejected.map((r) =>
    decoded[r.index] === NOT_JSON && r.error !== 'other-patient' ? { ...r, error: 'not-json' as const } : r,
  );
  return { ...summary, rejected };
};
