import type { ReportInput } from '../../hospital-feed/index.js';
import { sourceLabel } from '../../records/index.js';
import {
  type Code,
  type Condition,
  type EmergencySummary,
  type Provenance,
  type Section,
} from '../../summary/index.js';

/**
 * EmergencySummary → the wire `Summary` of the pre-arrival report (CONTRACT-summary §2). Each section
 * keeps its status exactly: unavailable stays unavailable with its reason, none-known stays none-known,
 * never an empty list. The wire's bounds are kept by cutting text (marked "…") and, where a section
 * holds more items than the wire carries, by sending it partial with the items left out counted:
 * never a silently shorter list.
 */
type WireSummary = NonNullable<ReportInput['summary']>;
type WireSections = WireSummary['sections'];

const cut = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const opt = <K extends string>(key: K, value: string | undefined, max: number): { [P in K]?: string } =>
  (value === undefined ? {} : { [key]: cut(value, max) }) as { [P in K]?: string };

/** Codes as received, within the wire's bounds (12 codings, their lengths). */
const codes = (cs: readonly Code[]) =>
  cs.slice(0, 12).map((c) => ({
    system: cut(c.system, 200),
    code: cut(c.code, 100),
    ...opt('display', c.display, 300),
  }));

/** What every wire item carries: codes, its own date and its source document. */
const common = (item: { readonly codes: readonly Code[]; readonly provenance: Provenance }) => {
  const source = sourceLabel(item.provenance);
  return {
    codes: codes(item.codes),
    ...opt('date', item.provenance.date, 40),
    ...(source === '' ? {} : { source: cut(source, 300) }),
  };
};

const wireSection = <A, B>(s: Section<A>, max: number, map: (a: A) => B) => {
  switch (s.status) {
    case 'unavailable':
      return { status: 'unavailable' as const, reason: s.reason, items: [] };
    case 'none-known':
      return {
        status: 'none-known' as const,
        ...opt('newest', s.newest, 40),
        sources: s.sources.slice(0, 20).map((x) => cut(x, 300)),
        ...(s.noKnown === undefined ? {} : { noKnown: [...s.noKnown] }),
        items: [],
      };
    case 'available':
    case 'partial': {
      const left = Math.max(0, s.items.length - max);
      const unreadable = (s.status === 'partial' ? s.unreadable : 0) + left;
      return {
        status: unreadable > 0 ? ('partial' as const) : ('available' as const),
        ...(unreadable > 0 ? { unreadable } : {}),
        ...opt('newest', s.newest, 40),
        sources: s.sources.slice(0, 20).map((x) => cut(x, 300)),
        ...(s.noKnown === undefined ? {} : { noKnown: [...s.noKnown] }),
        items: s.items.slice(0, max).map(map),
      };
    }
    default:
      return s satisfies never;
  }
};

const condition = (c: Condition) => ({
  name: cut(c.value === undefined ? c.name : `${c.name}: ${c.value}`, 200),
  ...opt('clinicalStatus', c.clinicalStatus, 40),
  ...opt('onset', c.onset, 40),
  ...common(c),
});

/** What the triage desk reads first, from the summary the crew saw (nothing identifying). */
export const reportSummary = (summary: EmergencySummary, fetchedAt: number): WireSummary => {
  const sections: WireSections = {
    allergies: wireSection(summary.allergies, 100, (a) => ({
      substance: cut(a.substance, 200),
      category: a.category,
      criticality: a.criticality,
      ...(a.severity === undefined ? {} : { severity: a.severity }),
      reactions: a.reactions.slice(0, 20).map((r) => cut(r, 200)),
      ...opt('note', a.note, 1000),
      ...opt('verification', a.verification, 40),
      ...common(a),
    })),
    contraindications: wireSection(summary.contraindications, 100, (c) => ({
      substance: cut(c.substance, 200),
      ...opt('note', c.note, 1000),
      ...common(c),
    })),
    medications: wireSection(summary.medications, 200, (m) => ({
      name: cut(
        m.japaneseName === undefined || m.japaneseName === m.name ? m.name : `${m.japaneseName} (${m.name})`,
        200,
      ),
      flags: [...m.flags],
      classified: m.classified,
      current: m.current,
      ...opt('dose', m.dose, 300),
      ...common(m),
    })),
    problems: wireSection(summary.problems, 200, condition),
    pastIllness: wireSection(summary.pastIllness, 200, condition),
    infections: wireSection(summary.infections, 100, condition),
    procedures: wireSection(summary.procedures, 200, (p) => ({
      name: cut(p.name, 200),
      ...opt('performed', p.performed, 40),
      ...common(p),
    })),
    devices: wireSection(summary.devices, 50, (d) => ({ name: cut(d.name, 200), ...common(d) })),
    advanceDirectives: wireSection(summary.advanceDirectives, 20, (d) => ({
      text: cut(d.text, 1000),
      ...common(d),
    })),
    pregnancy: wireSection(summary.pregnancy, 5, (p) => ({ text: cut(p.text, 1000), ...common(p) })),
    results: wireSection(summary.results, 200, (r) => ({
      name: cut(r.name, 200),
      value: cut(r.value, 200),
      ...common(r),
    })),
  };
  const flags = summary.criticalFlags;
  return {
    dataAsOf: new Date(fetchedAt).toISOString(),
    sections,
    criticalFlags: {
      // Medications the wire could not carry were still classified here: the flags stay as computed.
      status: flags.status,
      flags: [...flags.flags],
      unclassified: Math.min(flags.unclassified, 10_000),
    },
  };
};
