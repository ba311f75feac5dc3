import { SECTION_KEYS, UNAVAILABLE_REASONS, type EmergencySummary } from '../../src/summary/index.js';

const STATUSES = new Set(['available', 'partial', 'none-known', 'unavailable']);

/**
 * What every summary must satisfy whatever the input: all sections present, each with a known status;
 * an available section has at least one item (an empty list is never shown as a section); a partial
 * one counts what it could not read; unavailable sections name a known reason; the flags are only
 * `complete` when the medication section is whole (or none known) and every current medication was
 * classified, and `unclassified` is exactly the number of current unclassified medications.
 */
export const summaryProblems = (s: EmergencySummary): string[] => {
  const problems: string[] = [];
  for (const key of SECTION_KEYS) {
    const section = s[key];
    if (!STATUSES.has(section.status)) problems.push(`${key}: status ${String(section.status)}`);
    if (section.status === 'available' && section.items.length === 0) problems.push(`${key}: silently empty`);
    if (section.status === 'partial' && !(section.unreadable > 0))
      problems.push(`${key}: partial without a count`);
    if (
      section.status === 'unavailable' &&
      !(UNAVAILABLE_REASONS as readonly string[]).includes(section.reason)
    )
      problems.push(`${key}: no reason`);
  }
  const meds = s.medications;
  const current =
    meds.status === 'available' || meds.status === 'partial' ? meds.items.filter((m) => m.current) : [];
  const unclassified = current.filter((m) => !m.classified).length;
  if (s.criticalFlags.unclassified !== unclassified) problems.push('unclassified count wrong');
  if (
    s.criticalFlags.status === 'complete' &&
    !(meds.status === 'none-known' || (meds.status === 'available' && unclassified === 0))
  )
    problems.push('flags complete although medications are not');
  if (s.criticalFlags.status === 'unavailable' && meds.status !== 'unavailable')
    problems.push('flags unavailable with medications');
  for (const flag of current.flatMap((m) => m.flags))
    if (!s.criticalFlags.flags.includes(flag)) problems.push(`flag ${flag} of a current medication missing`);
  return problems;
};

/** Number of Composition.section.entry references for a LOINC section code, in a raw bundle. */
export const sectionEntryCount = (bundle: unknown, loinc: string): number | undefined => {
  const entries = (bundle as { entry?: { resource?: { resourceType?: string; section?: unknown[] } }[] })
    .entry;
  const composition = entries?.find((e) => e.resource?.resourceType === 'Composition')?.resource;
  const section = composition?.section?.find(
    (s) => (s as { code?: { coding?: { code?: string }[] } }).code?.coding?.[0]?.code === loinc,
  ) as { entry?: unknown[] } | undefined;
  return section?.entry?.length;
};
