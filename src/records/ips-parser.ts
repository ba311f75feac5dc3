import * as v from 'valibot';
import { phi } from '../log/index.js';
import { BundleIndex, type IndexedResource } from './bundle-index.js';
import { CRITICAL_FLAGS } from './drug-classes.js';
import * as F from './fhir.js';
import { LOINC_SYSTEM, codingIn, isJapanese, newestDate as newest } from './fhir-text.js';
import { SECTION_READERS, type EntryRead, type SectionReader } from './section-readers.js';
import {
  UnavailableReason,
  type CriticalFlags,
  type EmergencySummary,
  type Medication,
  type PatientDetails,
  type Section,
} from './summary.js';

const unavailable = (reason: UnavailableReason): Section<never> => ({ status: 'unavailable', reason });

/** Folds what a section's entries yielded into one section; nothing read is never shown as "none". */
const fold = <T>(reads: readonly EntryRead<T>[]): Section<T> => {
  const items: T[] = [];
  const dates: (string | undefined)[] = [];
  let unreadable = 0;
  let noneKnown = false;
  for (const read of reads) {
    switch (read.kind) {
      case 'item':
        items.push(read.item);
        dates.push(read.date);
        break;
      case 'statement':
        if (read.statement === 'none-known') noneKnown = true;
        break;
      case 'unreadable':
        unreadable += 1;
        break;
      default:
        read satisfies never;
    }
  }
  if (items.length > 0) return { status: 'available', items, unreadable, newest: newest(dates) };
  if (unreadable > 0) return unavailable(UnavailableReason.entriesUnreadable);
  if (noneKnown) return { status: 'none-known' };
  // Only "no information" statements.
  return reads.length > 0
    ? unavailable(UnavailableReason.notRecorded)
    : unavailable(UnavailableReason.noEntries);
};

/** Composition.section.emptyReason (CodeSystem list-empty-reason) when a section has no entries. */
const emptySection = (reason: F.CodeableConcept | undefined): Section<never> => {
  const code = reason?.coding.find((c) => c.code !== undefined)?.code;
  if (code === undefined) return unavailable(UnavailableReason.noEntries);
  if (code === 'nilknown') return { status: 'none-known' };
  if (code === 'withheld') return unavailable(UnavailableReason.withheld);
  return unavailable(UnavailableReason.notRecorded);
};

const readEntry = <T>(
  reader: SectionReader<T>,
  resource: IndexedResource | undefined,
  bundle: BundleIndex,
): EntryRead<T> => {
  if (resource === undefined || !reader.resourceTypes.includes(resource.resourceType))
    return { kind: 'unreadable' };
  return reader.read(resource, bundle);
};

const readSection = <T>(
  reader: SectionReader<T>,
  composition: v.InferOutput<typeof F.Composition> | undefined,
  bundle: BundleIndex,
): Section<T> => {
  if (composition === undefined) {
    // No usable Composition: read the section's resource kinds from the Bundle itself, but never claim
    // "none known" from their absence.
    const found = bundle.ofType(reader.resourceTypes);
    if (found.length === 0) return unavailable(UnavailableReason.compositionMissing);
    return fold(found.map((r) => readEntry(reader, r, bundle)));
  }
  const section = composition.section.find((s) => codingIn(s.code, LOINC_SYSTEM)?.code === reader.loinc);
  if (section === undefined) return unavailable(UnavailableReason.sectionMissing);
  if (section.entry.length === 0) return emptySection(section.emptyReason);
  return fold(section.entry.map((ref) => readEntry(reader, bundle.resolve(ref.reference), bundle)));
};

const criticalFlags = (medications: Section<Medication>): CriticalFlags => {
  switch (medications.status) {
    case 'available': {
      const present = new Set(medications.items.flatMap((m) => m.flags));
      return {
        status: medications.unreadable === 0 ? 'complete' : 'partial',
        flags: CRITICAL_FLAGS.filter((f) => present.has(f)),
      };
    }
    case 'none-known':
      return { status: 'complete', flags: [] };
    case 'unavailable':
      return { status: 'unavailable', flags: [] };
    default:
      return medications satisfies never;
  }
};

const patientDetails = (resource: IndexedResource | undefined): PatientDetails => {
  const p = resource === undefined ? undefined : v.safeParse(F.Patient, resource.resource);
  if (p === undefined || !p.success) return { name: undefined, birthDate: undefined, gender: undefined };
  const n = p.output.name[0];
  const given = n?.given.join(' ') ?? '';
  const joined =
    n?.family === undefined ? given : `${n.family}${isJapanese(n.family) ? '\u3000' : ' '}${given}`;
  return {
    name: n?.text ?? (joined.trim() === '' ? undefined : joined.trim()),
    birthDate: p.output.birthDate,
    gender: p.output.gender,
  };
};

const unreadableSummary = (): EmergencySummary => {
  const none = unavailable(UnavailableReason.bundleUnreadable);
  return {
    patient: phi({ name: undefined, birthDate: undefined, gender: undefined }),
    composedAt: undefined,
    allergies: none,
    medications: none,
    criticalFlags: { status: 'unavailable', flags: [] },
    conditions: none,
    procedures: none,
    results: none,
    insurance: none,
  };
};

/**
 * A FHIR R4 IPS document Bundle → EmergencySummary. Total: any input gives a summary, with every
 * section either read or marked unavailable with its reason.
 */
export const parseIpsBundle = (input: unknown): EmergencySummary => {
  const bundle = v.safeParse(F.DocumentBundle, input);
  if (!bundle.success) return unreadableSummary();
  const index = new BundleIndex(bundle.output.entry);
  // IPS: the first entry is the Composition; accept it anywhere.
  const compositionResource = index.ofType(['Composition'])[0];
  const parsed =
    compositionResource === undefined ? undefined : v.safeParse(F.Composition, compositionResource.resource);
  const composition = parsed?.success === true ? parsed.output : undefined;
  const medications = readSection(SECTION_READERS.medications, composition, index);
  const subject = index.resolve(composition?.subject?.reference);
  const patient = subject?.resourceType === 'Patient' ? subject : index.ofType(['Patient'])[0];
  return {
    patient: phi(patientDetails(patient)),
    composedAt: composition?.date,
    allergies: readSection(SECTION_READERS.allergies, composition, index),
    medications,
    criticalFlags: criticalFlags(medications),
    conditions: readSection(SECTION_READERS.conditions, composition, index),
    procedures: readSection(SECTION_READERS.procedures, composition, index),
    results: readSection(SECTION_READERS.results, composition, index),
    insurance: readSection(SECTION_READERS.insurance, composition, index),
  };
};

/** The same from raw bytes (UTF-8 JSON): bytes that are not JSON give the all-unavailable summary. */
export const parseIpsBytes = (bytes: Uint8Array): EmergencySummary => {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return unreadableSummary();
  }
  return parseIpsBundle(json);
};
