import { CRITICAL_FLAGS } from '../summary/index.js';
import { datePart, newestDate } from './fhir-text.js';
import {
  NO_KNOWN,
  SECTION_KEYS,
  type CriticalFlags,
  type Medication,
  type NoKnown,
  type Section,
  type SectionItems,
  type SectionKey,
} from '../summary/index.js';

/**
 * What all inputs said about one section, gathered before the section's status is decided. Every
 * input adds to the same accumulator, so the result does not depend on the order of the inputs.
 */
export interface SectionAcc {
  readonly items: {
    readonly item: SectionItems[SectionKey];
    readonly identity: readonly string[];
    readonly source: string;
  }[];
  unreadable: number;
  withdrawn: number;
  /** A source said there is nothing (emptyReason nilknown, or a "no known …" entry); with its date. */
  readonly noneKnownAt: (string | undefined)[];
  readonly noneKnownSources: Set<string>;
  readonly noKnown: Set<NoKnown>;
  /** A source listed the section but said nothing usable (empty without reason, notasked, "no … info"). */
  notRecorded: boolean;
  withheld: boolean;
}

export const newAcc = (): SectionAcc => ({
  items: [],
  unreadable: 0,
  withdrawn: 0,
  noneKnownAt: [],
  noneKnownSources: new Set(),
  noKnown: new Set(),
  notRecorded: false,
  withheld: false,
});

export type Accs = { readonly [K in SectionKey]: SectionAcc };
export const newAccs = (): Accs =>
  Object.fromEntries(SECTION_KEYS.map((k) => [k, newAcc()])) as unknown as Accs;

const itemDate = (item: { readonly provenance: { readonly date?: string } }): string =>
  datePart(item.provenance.date) ?? '';

/**
 * The same fact from several documents is one item. Candidates are taken in a canonical order
 * (their JSON), so which copy stays does not depend on input order; an item is a duplicate when any
 * of its identity keys (identifier, urn:uuid, code + date) was already taken.
 */
const deduplicate = <T>(candidates: readonly { item: T; identity: readonly string[]; source: string }[]) => {
  const keyed = candidates.map((c) => ({ ...c, json: JSON.stringify(c.item) }));
  keyed.sort((a, b) => (a.json < b.json ? -1 : a.json > b.json ? 1 : 0));
  const seen = new Set<string>();
  const kept: typeof keyed = [];
  for (const candidate of keyed) {
    if (candidate.identity.some((k) => seen.has(k))) continue;
    for (const k of candidate.identity) seen.add(k);
    kept.push(candidate);
  }
  return kept;
};

/** Newest first (undated last); current medications before past ones. */
const order = (a: { item: unknown; json: string }, b: { item: unknown; json: string }): number => {
  const ca = (a.item as Partial<Medication>).current === false ? 1 : 0;
  const cb = (b.item as Partial<Medication>).current === false ? 1 : 0;
  if (ca !== cb) return ca - cb;
  const da = itemDate(a.item as { provenance: { date?: string } });
  const db = itemDate(b.item as { provenance: { date?: string } });
  if (da !== db) return da > db ? -1 : 1;
  return a.json < b.json ? -1 : a.json > b.json ? 1 : 0;
};

const sorted = (values: Iterable<string>): string[] => [...values].sort();

/**
 * One section's status from what was gathered. `rejectedInputs` counts inputs that could not be read
 * at all: they may have held entries of any section, so no section built without them is whole.
 */
export const finishSection = <K extends SectionKey>(
  acc: SectionAcc,
  rejectedInputs: number,
): Section<SectionItems[K]> => {
  const kept = deduplicate(acc.items).sort(order);
  const items = kept.map((k) => k.item as SectionItems[K]);
  const unreadable = acc.unreadable + rejectedInputs;
  const noKnown = NO_KNOWN.filter((n) => acc.noKnown.has(n));
  const withNoKnown = noKnown.length === 0 ? {} : { noKnown };
  // Every document that held a fact is a source, also when its copy was the duplicate left out.
  const sources = sorted(new Set([...acc.items.map((k) => k.source), ...acc.noneKnownSources]));
  if (items.length > 0 || (unreadable > 0 && (acc.unreadable > 0 || acc.noneKnownAt.length > 0))) {
    const newest = newestDate([
      ...items.map((i) => (i as { provenance: { date?: string } }).provenance.date),
      ...acc.noneKnownAt,
    ]);
    const dated = newest === undefined ? {} : { newest };
    return unreadable > 0
      ? { status: 'partial', items, unreadable, ...dated, sources, ...withNoKnown }
      : { status: 'available', items, ...dated, sources, ...withNoKnown };
  }
  if (acc.noneKnownAt.length > 0) {
    const newest = newestDate(acc.noneKnownAt);
    return { status: 'none-known', ...(newest === undefined ? {} : { newest }), sources, ...withNoKnown };
  }
  if (rejectedInputs > 0) return { status: 'unavailable', reason: 'unreadable' };
  if (acc.withheld) return { status: 'unavailable', reason: 'withheld' };
  if (acc.notRecorded || acc.withdrawn > 0) return { status: 'unavailable', reason: 'not-recorded' };
  return { status: 'unavailable', reason: 'not-sent' };
};

/** Critical flags: complete only when the section is whole and every current medication was classified. */
export const criticalFlags = (medications: Section<Medication>): CriticalFlags => {
  switch (medications.status) {
    case 'unavailable':
      return { status: 'unavailable', flags: [], unclassified: 0 };
    case 'none-known':
      return { status: 'complete', flags: [], unclassified: 0 };
    case 'available':
    case 'partial': {
      const current = medications.items.filter((m) => m.current);
      const present = new Set(current.flatMap((m) => m.flags));
      const unclassified = current.filter((m) => !m.classified).length;
      return {
        status: medications.status === 'partial' || unclassified > 0 ? 'incomplete' : 'complete',
        flags: CRITICAL_FLAGS.filter((f) => present.has(f)),
        unclassified,
      };
    }
    default:
      return medications satisfies never;
  }
};
