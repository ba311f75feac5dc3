import type { BundleIndex, IndexedResource } from './bundle-index.js';
import type { DrugCatalogue } from './drug-classes-catalogue.js';
import type * as F from './fhir.js';
import type { Code, NoKnown, Provenance, SectionItems, SectionKey } from '../summary/index.js';

/**
 * What one resource yields for one section: an item, an explicit "none known"/"no information"
 * statement, nothing readable (counted), or a record the source itself withdrew (refuted,
 * entered-in-error: left out on purpose, and counted apart).
 */
export type EntryRead<K extends SectionKey = SectionKey> =
  | {
      readonly kind: 'item';
      readonly key: K;
      readonly item: SectionItems[K];
      /** Keys under which the same fact from another document is recognised (docs/records.md). */
      readonly identity: readonly string[];
    }
  | {
      readonly kind: 'statement';
      readonly key: K;
      readonly statement: 'none-known' | 'no-information';
      readonly noKnown?: NoKnown;
    }
  | { readonly kind: 'unreadable'; readonly key: K }
  | { readonly kind: 'withdrawn'; readonly key: K };

export interface ReadContext {
  readonly bundle: BundleIndex;
  /** The section the resource was listed under, if any (it can decide problem vs past illness). */
  readonly hint: SectionKey | undefined;
  readonly provenance: Omit<Provenance, 'date'>;
  /** Reference date for "current" medication (ISO date). */
  readonly asOf: string;
  readonly catalogue: DrugCatalogue | undefined;
}

/** Reads one resource; `undefined` when the resource type is none of the summary's. */
export type ResourceReader = (
  resource: IndexedResource,
  ctx: ReadContext,
) => readonly EntryRead[] | undefined;

/** Codings exactly as received; codings without system or code are not codes. */
export const codesOf = (...concepts: (F.CodeableConcept | undefined)[]): Code[] =>
  concepts.flatMap((c) =>
    (c?.coding ?? []).flatMap((coding) =>
      coding.system === undefined || coding.code === undefined
        ? []
        : [
            coding.display === undefined
              ? { system: coding.system, code: coding.code }
              : { system: coding.system, code: coding.code, display: coding.display },
          ],
    ),
  );

/** Identity keys of an item: its resource identifiers (with its type and first code, so two local
 *  numbering schemes cannot collide into one fact) and its first code with its date. */
/** Identifier systems that only number items inside one prescription (RP number, 処方番号 index):
 *  never an identity across documents (JP e-prescription; JP Core MedicationRequest). */
const POSITIONAL_IDENTIFIERS = new Set([
  'urn:oid:1.2.392.100495.20.3.81',
  'urn:oid:1.2.392.100495.20.3.82',
  'http://jpfhir.jp/fhir/core/mhlw/IdSystem/Medication-RPGroupNumber',
  'http://jpfhir.jp/fhir/core/mhlw/IdSystem/MedicationAdministrationIndex',
]);

export const identityOf = (
  resourceType: string,
  identifiers: readonly { system?: string | undefined; value?: string | undefined }[],
  codes: readonly Code[],
  name: string,
  date: string | undefined,
): string[] => {
  const first =
    codes[0] === undefined ? `text:${name.normalize('NFKC')}` : `${codes[0].system}|${codes[0].code}`;
  const keys = identifiers.flatMap((i) =>
    i.system === undefined || i.value === undefined || POSITIONAL_IDENTIFIERS.has(i.system)
      ? []
      : [`${resourceType}#${i.system}|${i.value}#${first}`],
  );
  keys.push(`${resourceType}@${first}@${date ?? ''}`);
  return keys;
};

export const withDate = (provenance: Omit<Provenance, 'date'>, date: string | undefined): Provenance =>
  date === undefined ? provenance : { ...provenance, date };
