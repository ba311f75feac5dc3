/**
 * お薬手帳 documents → FHIR R4 document Bundles, so that the records parser reads them like any other
 * source: one merge, one de-duplication, one "current" rule (dispensing date + days' supply, see
 * docs/records.md) and one drug classification for QR and FHIR data alike.
 *
 * One Bundle per dispensing: its Composition is titled お薬手帳, its custodian is the dispensing
 * pharmacy and its date the 調剤等年月日, so each medication carries its own source and date
 * ("お薬手帳 · <pharmacy>", 2026-10-02). One more Bundle holds what is not tied to a dispensing: the
 * patient's noted allergies (アレルギー歴) and side effects (副作用歴) in the allergies section, 既往歴 in
 * past illness, OTC medicines. A QR code that says nothing about allergies says nothing: no section is
 * written, never an emptyReason. A record that could not be read becomes an entry reference the Bundle
 * does not hold, which the records parser counts as an unreadable entry of that section (partial).
 */
import { YJ_SYSTEM } from '../drug-classes.js';
import type { Dispensing, DrugCode, PatientNote, TechoDocument, TechoDrug, TechoRp } from './model.js';

/** The title every お薬手帳 source carries (Composition.title → the items' provenance.document). */
export const OKUSURI_TECHO_DOCUMENT = 'お薬手帳';

/**
 * Drug code systems (JP Core / JP-CLINS terminology OIDs): 1.2.392.100495.20.2.71 医薬品コード
 * (レセプト電算処理システム医薬品マスター), .72 薬価基準収載医薬品コード, .74 HOT コード (9 桁); YJ as the
 * records parser names it. A JAHIS code type with no FHIR system keeps its number in a local URI.
 */
export const DRUG_CODE_SYSTEMS = {
  receipt: 'urn:oid:1.2.392.100495.20.2.71',
  priceList: 'urn:oid:1.2.392.100495.20.2.72',
  hot9: 'urn:oid:1.2.392.100495.20.2.74',
  jahisType: (type: string): string => `urn:ems-gateway:jahis:drug-code-type:${type}`,
} as const;

/** IPS Composition section codes (LOINC) the records parser maps to its sections. */
const SECTION = {
  allergies: '48765-2',
  medications: '10160-0',
  pastIllness: '11348-0',
} as const;
type SectionName = keyof typeof SECTION;

type Json = Record<string, unknown>;

const codingOf = (code: DrugCode, name: string): Json[] => {
  switch (code.type) {
    case 'none':
      return [];
    case 'yj':
      return [{ system: YJ_SYSTEM, code: code.code, display: name }];
    case 'receipt':
      return [{ system: DRUG_CODE_SYSTEMS.receipt, code: code.code, display: name }];
    case 'price-list':
      return [{ system: DRUG_CODE_SYSTEMS.priceList, code: code.code, display: name }];
    case 'hot':
      return [
        {
          system: /^[0-9]{9}$/u.test(code.code) ? DRUG_CODE_SYSTEMS.hot9 : DRUG_CODE_SYSTEMS.jahisType('6'),
          code: code.code,
          display: name,
        },
      ];
    case 'other':
      return [{ system: DRUG_CODE_SYSTEMS.jahisType(code.typeNumber), code: code.code, display: name }];
    default:
      return code satisfies never;
  }
};

/** Dose as the crew reads it: amount and unit, the usage, the supply (`2錠 １日２回朝夕食後 (28日分)`). */
const doseText = (drug: TechoDrug, rp: TechoRp): string | undefined => {
  const amount = drug.quantity === undefined ? undefined : `${drug.quantity}${drug.unit ?? ''}`;
  const usage = rp.usage;
  const supply =
    usage?.dispensedQuantity === undefined
      ? undefined
      : `(${usage.dispensedQuantity}${usage.dispensedUnit ?? ''})`;
  const parts = [amount, usage?.text === '' ? undefined : usage?.text, supply].filter((p) => p !== undefined);
  return parts.length === 0 ? undefined : parts.join(' ');
};

/** 調剤数量 in 日分 is the days' supply; 回分 (as needed) and other units leave it unknown. */
const daysSupply = (rp: TechoRp): Json | undefined =>
  rp.usage?.dispensedUnit === '日分' && rp.usage.dispensedQuantity !== undefined
    ? { value: rp.usage.dispensedQuantity, unit: '日', system: 'http://unitsofmeasure.org', code: 'd' }
    : undefined;

class BundleWriter {
  readonly #entries: Json[] = [];
  readonly #sections = new Map<SectionName, string[]>();

  constructor(readonly prefix: string) {}

  #url(n: number): string {
    return `urn:uuid:${this.prefix}-${n.toString(16).padStart(12, '0')}`;
  }

  add(resource: Json, section?: SectionName): string {
    const url = this.#url(this.#entries.length + 1);
    this.#entries.push({ fullUrl: url, resource });
    if (section !== undefined) this.#sections.set(section, [...(this.#sections.get(section) ?? []), url]);
    return url;
  }

  /** An entry we could not read: a reference the Bundle does not hold. */
  unreadable(section: SectionName, n: number): void {
    for (let i = 0; i < n; i += 1) {
      const url = this.#url(100_000 + i);
      this.#sections.set(section, [...(this.#sections.get(section) ?? []), url]);
    }
  }

  bundle(composition: Json): Json {
    const section = [...this.#sections].map(([name, refs]) => ({
      title: name,
      code: { coding: [{ system: 'http://loinc.org', code: SECTION[name] }] },
      entry: refs.map((reference) => ({ reference })),
    }));
    const compositionUrl = `urn:uuid:${this.prefix}-${'0'.repeat(12)}`;
    return {
      resourceType: 'Bundle',
      type: 'document',
      entry: [{ fullUrl: compositionUrl, resource: { ...composition, section } }, ...this.#entries],
    };
  }
}

const patientResource = (document: TechoDocument): Json | undefined => {
  const p = document.patient?.reveal();
  if (p === undefined) return undefined;
  return {
    resourceType: 'Patient',
    ...(p.name === undefined ? {} : { name: [{ text: p.name }] }),
    ...(p.birthDate === undefined ? {} : { birthDate: p.birthDate }),
    ...(p.sex === undefined ? {} : { gender: p.sex }),
  };
};

const composition = (
  date: string | undefined,
  subject: string | undefined,
  custodian: string | undefined,
): Json => ({
  resourceType: 'Composition',
  status: 'final',
  title: OKUSURI_TECHO_DOCUMENT,
  ...(date === undefined ? {} : { date }),
  ...(subject === undefined ? {} : { subject: { reference: subject } }),
  ...(custodian === undefined ? {} : { custodian: { reference: custodian } }),
});

const dispensingBundle = (
  document: TechoDocument,
  d: Dispensing,
  prefix: string,
  unreadable: number,
): Json => {
  const w = new BundleWriter(prefix);
  const patient = patientResource(document);
  const subject = patient === undefined ? undefined : w.add(patient);
  const pharmacy =
    d.pharmacy === undefined ? undefined : w.add({ resourceType: 'Organization', name: d.pharmacy.name });
  for (const rp of d.rps) {
    for (const drug of rp.drugs) {
      const dose = doseText(drug, rp);
      const supply = daysSupply(rp);
      w.add(
        {
          resourceType: 'MedicationDispense',
          status: 'completed',
          medicationCodeableConcept: { coding: codingOf(drug.code, drug.name), text: drug.name },
          ...(subject === undefined ? {} : { subject: { reference: subject } }),
          whenHandedOver: d.date,
          ...(supply === undefined ? {} : { daysSupply: supply }),
          ...(dose === undefined ? {} : { dosageInstruction: [{ text: dose }] }),
        },
        'medications',
      );
    }
  }
  w.unreadable('medications', unreadable);
  return w.bundle(composition(d.date, subject, pharmacy));
};

const noteResource = (
  note: PatientNote,
  subject: string | undefined,
): { resource: Json; section: SectionName } | undefined => {
  const patient = subject === undefined ? {} : { patient: { reference: subject } };
  // A note the patient wrote (作成者 2) is the patient's word: unconfirmed (allergyintolerance-verification).
  const verification =
    note.author === 'patient'
      ? {
          verificationStatus: {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
                code: 'unconfirmed',
              },
            ],
          },
        }
      : {};
  switch (note.kind) {
    case 'allergy':
      return {
        resource: {
          resourceType: 'AllergyIntolerance',
          type: 'allergy',
          code: { text: note.text },
          ...patient,
          ...verification,
        },
        section: 'allergies',
      };
    case 'side-effect':
      // 副作用歴: an adverse reaction to a drug (AllergyIntolerance.type intolerance, category medication).
      return {
        resource: {
          resourceType: 'AllergyIntolerance',
          type: 'intolerance',
          category: ['medication'],
          code: { text: note.text },
          ...patient,
          ...verification,
        },
        section: 'allergies',
      };
    case 'past-illness':
      return {
        resource: {
          resourceType: 'Condition',
          code: { text: note.text },
          ...(subject === undefined ? {} : { subject: { reference: subject } }),
        },
        section: 'pastIllness',
      };
    case 'other':
      // その他 has no section of its own (docs/records.md): kept in the parsed document only.
      return undefined;
    default:
      return note.kind satisfies never;
  }
};

const patientBundle = (document: TechoDocument, prefix: string, unreadable: number): Json | undefined => {
  const w = new BundleWriter(prefix);
  const patient = patientResource(document);
  const subject = patient === undefined ? undefined : w.add(patient);
  let facts = 0;
  for (const note of document.notes) {
    const mapped = noteResource(note, subject);
    if (mapped === undefined) continue;
    w.add(mapped.resource, mapped.section);
    facts += 1;
  }
  for (const otc of document.otc) {
    w.add(
      {
        resourceType: 'MedicationStatement',
        status: otc.ended === undefined ? 'active' : 'completed',
        medicationCodeableConcept: { text: otc.name },
        ...(subject === undefined ? {} : { subject: { reference: subject } }),
        ...(otc.started === undefined && otc.ended === undefined
          ? {}
          : {
              effectivePeriod: {
                ...(otc.started === undefined ? {} : { start: otc.started }),
                ...(otc.ended === undefined ? {} : { end: otc.ended }),
              },
            }),
      },
      'medications',
    );
    facts += 1;
  }
  w.unreadable('allergies', unreadable);
  return facts + unreadable === 0 ? undefined : w.bundle(composition(undefined, subject, undefined));
};

/** The FHIR Bundles of read お薬手帳 documents (JSON values, as the records parser takes them). */
export const okusuriTechoBundles = (documents: readonly TechoDocument[]): unknown[] =>
  documents.flatMap((document, i) => {
    const doc = (i + 1).toString(16).padStart(4, '0');
    const skipped = (scope: 'patient' | 'dispensing') =>
      document.skipped.filter((s) => s.scope === scope).length;
    const dispensings = document.dispensings.map((d, j) =>
      // Records of a dispensing that could not be read (no date, a malformed drug...) make the first
      // dispensing's medications partial: they are medications we could not show.
      dispensingBundle(
        document,
        d,
        `0000${doc}-0000-4000-8${(j + 1).toString(16).padStart(3, '0')}`,
        j === 0 ? skipped('dispensing') : 0,
      ),
    );
    // Dispensing records that could not be placed when no dispensing could be read at all.
    const orphans = document.dispensings.length === 0 ? skipped('dispensing') : 0;
    const patientLevel = patientBundle(document, `0000${doc}-0000-4000-9000`, skipped('patient'));
    const orphanBundle =
      orphans === 0 ? [] : [unreadableMedications(`0000${doc}-0000-4000-a000`, orphans, document)];
    return [...(patientLevel === undefined ? [] : [patientLevel]), ...dispensings, ...orphanBundle];
  });

const unreadableMedications = (prefix: string, n: number, document: TechoDocument): Json => {
  const w = new BundleWriter(prefix);
  const patient = patientResource(document);
  const subject = patient === undefined ? undefined : w.add(patient);
  w.unreadable('medications', n);
  return w.bundle(composition(undefined, subject, undefined));
};
