import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { SECTION_KEYS, parseIpsBytes, type EmergencySummary, type Section } from '../../records/index.js';
import { UsageError, write, type Command } from '../command.js';

const help = `ems-gateway summary FILE [--json]

Parses a FHIR R4 International Patient Summary (a Bundle of type document) the way the gateway
parses a records service's answer, and prints the EmergencySummary it yields: each section with its
items, its freshness (the date of its newest record) and, where it cannot be shown, why
(section-missing, entries-unreadable, …); the critical medication flags; insurance eligibility.
"none known" (the source says there is nothing) is printed apart from "unavailable".

For integrators testing their records service. The patient's identifying details are never printed.

  --json   print the EmergencySummary as JSON instead of text

Exit codes: 0 the bundle was read (possibly partially: see the markers), 1 the file could not be
read or is not an IPS document Bundle at all, 2 usage.`;

const line = (...parts: (string | undefined)[]): string =>
  parts.filter((p) => p !== undefined && p !== '').join(' ');

const sectionLines = <T>(title: string, section: Section<T>, item: (t: T) => string): string[] => {
  switch (section.status) {
    case 'available': {
      const partial = section.unreadable > 0 ? `, PARTIAL: ${section.unreadable} entries unreadable` : '';
      const head = `${title}: ${section.items.length}${partial}${section.newest === undefined ? '' : `, newest ${section.newest}`}`;
      return [head, ...section.items.map((i) => `  ${item(i)}`)];
    }
    case 'none-known':
      return [`${title}: none known`];
    case 'unavailable':
      return [`${title}: UNAVAILABLE (${section.reason})`];
    default:
      return section satisfies never;
  }
};

const paren = (s: string | undefined): string | undefined => (s === undefined ? undefined : `(${s})`);

export const formatSummary = (s: EmergencySummary): string =>
  [
    `Emergency summary${s.composedAt === undefined ? '' : ` composed ${s.composedAt}`}`,
    'Patient: identifying details withheld',
    `Critical medication flags (${s.criticalFlags.status}): ${s.criticalFlags.flags.join(', ') || 'none'}`,
    ...sectionLines('Allergies', s.allergies, (a) =>
      line(
        a.criticality === 'high' ? '!' : '-',
        a.substance,
        `[${a.category}, criticality ${a.criticality}]`,
        a.reactions.join(', '),
        paren(line(a.recorded, a.source)),
      ),
    ),
    ...sectionLines('Medications', s.medications, (m) =>
      line(
        m.japaneseName === undefined ? m.genericName : `${m.japaneseName} / ${m.genericName}`,
        m.dose === undefined ? undefined : `— ${m.dose}`,
        m.lastDispensed === undefined ? undefined : `— last ${m.lastDispensed}`,
        paren(m.source),
        m.flags.length === 0 ? undefined : `[${m.flags.join(', ')}]`,
      ),
    ),
    ...sectionLines('Conditions', s.conditions, (c) =>
      line(
        c.name,
        c.icd10 === undefined ? undefined : `[ICD-10 ${c.icd10}]`,
        c.clinicalStatus,
        paren(c.recorded ?? c.onset),
      ),
    ),
    ...sectionLines('Procedures', s.procedures, (p) => line(p.name, paren(p.performed))),
    ...sectionLines('Checkup results', s.results, (r) => line(`${r.name}:`, r.value, paren(r.effective))),
    ...sectionLines('Insurance', s.insurance, (i) =>
      line(
        i.eligible ? 'eligible' : `NOT eligible (${i.status})`,
        i.kind,
        i.insurer,
        i.periodEnd === undefined ? undefined : `until ${i.periodEnd}`,
      ),
    ),
  ].join('\n');

export const summaryCommand: Command = {
  name: 'summary',
  summary: 'parse an IPS Bundle file and print its EmergencySummary',
  help,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false } },
    });
    const [file, ...rest] = positionals;
    if (file === undefined || rest.length > 0) throw new UsageError('expected: summary FILE [--json]');
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch (cause) {
      write(io.stderr, `${file}: cannot read the file (${(cause as NodeJS.ErrnoException).code ?? 'EIO'})`);
      return 1;
    }
    const summary = parseIpsBytes(bytes);
    // The patient is a Phi value: JSON shows it as [redacted].
    write(io.stdout, values.json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
    const unreadable = SECTION_KEYS.every((k) => {
      const section = summary[k];
      return section.status === 'unavailable' && section.reason === 'bundle-unreadable';
    });
    if (unreadable) write(io.stderr, `${file}: not a FHIR R4 document Bundle (or not JSON)`);
    return unreadable ? 1 : 0;
  },
};
