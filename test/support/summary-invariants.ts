import { SECTION_KEYS, type EmergencySummary } from '../../src/records/index.js';

const STATUSES = new Set(['available', 'none-known', 'unavailable']);

/**
 * What every summary must satisfy whatever the input: all sections present, each with a known status;
 * an available section has at least one item (an empty list is never shown as a section); unavailable
 * sections name a reason; flags are only `complete` when the medication section is whole.
 */
export const summaryProblems = (s: EmergencySummary): string[] => {
  const problems: string[] = [];
  for (const key of SECTION_KEYS) {
    const section = s[key];
    if (!STATUSES.has(section.status)) problems.push(`${key}: status ${String(section.status)}`);
    if (section.status === 'available' && section.items.length === 0) problems.push(`${key}: silently empty`);
    if (section.status === 'unavailable' && typeof section.reason !== 'string')
      problems.push(`${key}: no reason`);
  }
  const meds = s.medications;
  if (
    s.criticalFlags.status === 'complete' &&
    !(meds.status === 'none-known' || (meds.status === 'available' && meds.unreadable === 0))
  )
    problems.push('flags complete although medications are not');
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
