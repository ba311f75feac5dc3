import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadDrugCatalogue, parseSummaryBytes, type DrugCatalogue } from '../../records/index.js';
import {
  type Allergy,
  type Code,
  type Condition,
  type EmergencySummary,
  type InputError,
  type Section,
} from '../../summary/index.js';
import { UsageError, write, type Command } from '../command.js';
import { readOkusuriTechoFiles, splitOkusuriTechoArgs } from './okusuri-techo.js';

const help = `ems-gateway summary [FILE...] [--okusuri-techo QRFILE...] [--json] [--as-of DATE]
                           [--drug-catalogue FILE]

Parses FHIR R4 Bundles of one patient (document, collection or searchset: an IPS, JP-CLINS documents
and 6-information collections, an e-prescription, a checkup report...) the way the gateway parses a
records service's answer, merges them into one EmergencySummary and prints it: every section with its
status (available, partial: N entries unreadable, none known, not available (reason)), its items with
codes as received and where each came from (document · organisation, date), the newest date and the
sources; the critical medication flags (complete / incomplete: N not classified / unavailable).

For integrators testing their records data. The patient's identifying details are never printed.

  --json           print the EmergencySummary as JSON instead of text
  --as-of DATE     reference date for "current" medication (YYYY-MM-DD; default today)
  --okusuri-techo QRFILE...
                   お薬手帳 QR payloads (JAHIS 電子版お薬手帳 format), one decoded code per file, UTF-8
                   or Shift_JIS, in any order (split sets are joined by their 911 records); merged
                   with the FHIR files given before the option. A set with a code missing or
                   unreadable is not used at all (exit 1). docs/records.md describes what is read.
  --drug-catalogue FILE
                   the MHLW 薬価基準収載品目リスト (UTF-8 CSV) to classify drugs known by receipt or HOT
                   code or name, and mixed 薬効分類 by ingredient (docs/drug-classes.md)

Exit codes: 0 at least one file was read (possibly partially: see the markers), 1 no file could be
read as a FHIR Bundle of one patient or the drug catalogue could not be read, 2 usage.`;

const INPUT_ERROR_TEXT: Readonly<Record<InputError, string>> = {
  'not-json': 'not UTF-8 JSON',
  'not-a-resource': 'not a FHIR resource',
  'not-a-bundle': 'a FHIR resource, but not a Bundle',
  'bundle-type-unsupported': 'a Bundle, but not of type document, collection or searchset',
  'other-patient': 'the files name different patients (birth date or sex): none is used',
};

const line = (...parts: (string | undefined)[]): string =>
  parts.filter((p) => p !== undefined && p !== '').join(' ');
const paren = (s: string | undefined): string | undefined =>
  s === undefined || s === '' ? undefined : `(${s})`;
const codes = (cs: readonly Code[]): string | undefined =>
  cs.length === 0 ? undefined : `[${cs.map((c) => `${c.system}|${c.code}`).join(', ')}]`;
const from = (p: {
  readonly document?: string;
  readonly organisation?: string;
  readonly date?: string;
}): string | undefined =>
  paren(
    line(
      p.date,
      p.document === undefined
        ? undefined
        : `· ${[p.document, p.organisation].filter((x) => x !== undefined).join(' · ')}`,
    ),
  );

const NO_KNOWN_TEXT = {
  any: 'no known allergy',
  medication: 'no known drug allergy',
  food: 'no known food allergy',
  environment: 'no known environmental allergy',
} as const;

const sectionLines = <T>(title: string, section: Section<T>, item: (t: T) => string): string[] => {
  switch (section.status) {
    case 'available':
    case 'partial': {
      const partial =
        section.status === 'partial' ? `, PARTIAL: ${section.unreadable} entries unreadable` : '';
      const noKnown =
        section.noKnown === undefined ? '' : `; ${section.noKnown.map((n) => NO_KNOWN_TEXT[n]).join(', ')}`;
      const head = `${title}: ${section.items.length}${partial}${section.newest === undefined ? '' : `, newest ${section.newest}`}${noKnown}`;
      return [
        head,
        ...section.items.map((i) => `  ${item(i)}`),
        ...section.sources.map((s) => `  source: ${s}`),
      ];
    }
    case 'none-known':
      return [
        `${title}: none known${section.noKnown === undefined ? '' : ` (${section.noKnown.map((n) => NO_KNOWN_TEXT[n]).join(', ')})`}`,
        ...section.sources.map((s) => `  source: ${s}`),
      ];
    case 'unavailable':
      return [`${title}: NOT AVAILABLE (${section.reason})`];
    default:
      return section satisfies never;
  }
};

const allergyLine = (a: Allergy): string =>
  line(
    a.criticality === 'high' ? '!' : '-',
    a.substance,
    `[${a.category}, criticality ${a.criticality}${a.severity === undefined ? '' : `, ${a.severity}`}${a.verification === undefined ? '' : `, ${a.verification}`}]`,
    a.reactions.join(', '),
    a.note === undefined ? undefined : `“${a.note}”`,
    codes(a.codes),
    from(a.provenance),
  );

const conditionLine = (c: Condition): string =>
  line(
    c.name,
    c.value === undefined ? undefined : `: ${c.value}`,
    c.clinicalStatus,
    c.onset === undefined ? undefined : `onset ${c.onset}`,
    codes(c.codes),
    from(c.provenance),
  );

const flagsLine = (s: EmergencySummary): string => {
  const f = s.criticalFlags;
  const status = f.status === 'incomplete' ? `incomplete: ${f.unclassified} not classified` : f.status;
  const list = f.flags.length > 0 ? f.flags.join(', ') : f.status === 'complete' ? 'none' : '(none found)';
  return `Critical medication flags (${status}): ${list}`;
};

export const formatSummary = (s: EmergencySummary): string =>
  [
    `Emergency summary${s.composedAt === undefined ? '' : ` composed ${s.composedAt}`}`,
    'Patient: identifying details withheld',
    `Documents: ${s.documents.join('; ') || '(none)'}`,
    flagsLine(s),
    ...sectionLines('Allergies', s.allergies, allergyLine),
    ...sectionLines('Drug contraindications', s.contraindications, (c) =>
      line(c.substance, c.note, codes(c.codes), from(c.provenance)),
    ),
    ...sectionLines('Medications', s.medications, (m) =>
      line(
        m.current ? '-' : '(past)',
        m.japaneseName === undefined || m.japaneseName === m.name ? m.name : `${m.japaneseName} / ${m.name}`,
        m.dose === undefined ? undefined : `— ${m.dose}`,
        m.flags.length === 0 ? undefined : `[${m.flags.join(', ')}]`,
        m.classified ? undefined : '[NOT CLASSIFIED]',
        codes(m.codes),
        from(m.provenance),
      ),
    ),
    ...sectionLines('Problems', s.problems, conditionLine),
    ...sectionLines('Past illness', s.pastIllness, conditionLine),
    ...sectionLines('Infections', s.infections, conditionLine),
    ...sectionLines('Procedures', s.procedures, (p) =>
      line(p.name, paren(p.performed), codes(p.codes), from(p.provenance)),
    ),
    ...sectionLines('Devices', s.devices, (d) => line(d.name, d.status, codes(d.codes), from(d.provenance))),
    ...sectionLines('Advance directives', s.advanceDirectives, (d) =>
      line(d.text, d.status, from(d.provenance)),
    ),
    ...sectionLines('Pregnancy', s.pregnancy, (p) => line(p.text, from(p.provenance))),
    ...sectionLines('Results', s.results, (r) =>
      line(`${r.name}:`, r.value, codes(r.codes), from(r.provenance)),
    ),
    ...sectionLines('Insurance', s.insurance, (i) =>
      line(
        i.eligible ? 'eligible' : `NOT eligible (${i.status})`,
        i.kind,
        i.insurer,
        i.periodEnd === undefined ? undefined : `until ${i.periodEnd}`,
        from(i.provenance),
      ),
    ),
  ].join('\n');

export const summaryCommand: Command = {
  help,
  async run(args, io) {
    const { rest, files: techoFiles } = splitOkusuriTechoArgs(args);
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        'as-of': { type: 'string' },
        'drug-catalogue': { type: 'string' },
      },
    });
    if (positionals.length + techoFiles.length === 0)
      throw new UsageError('expected: summary FILE... [--okusuri-techo QRFILE...] [--json]');
    const asOfText = values['as-of'];
    const asOf = asOfText === undefined ? new Date() : new Date(`${asOfText}T00:00:00Z`);
    if (asOfText !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(asOfText) || Number.isNaN(asOf.getTime())))
      throw new UsageError('--as-of: expected a date YYYY-MM-DD');
    const inputs: Uint8Array[] = [];
    for (const file of positionals) {
      try {
        inputs.push(await readFile(file));
      } catch (cause) {
        write(io.stderr, `${file}: cannot read the file (${(cause as NodeJS.ErrnoException).code ?? 'EIO'})`);
        return 1;
      }
    }
    const techo = await readOkusuriTechoFiles(techoFiles, io);
    if (techo === undefined) return 1;
    inputs.push(...techo);
    const catalogueFile = values['drug-catalogue'];
    let catalogue: DrugCatalogue | undefined;
    if (catalogueFile !== undefined) {
      const loaded = loadDrugCatalogue(catalogueFile);
      if (!loaded.ok) {
        write(io.stderr, `--drug-catalogue: ${loaded.error.message}`);
        return 1;
      }
      catalogue = loaded.value;
    }
    const summary = parseSummaryBytes(inputs, catalogue === undefined ? { asOf } : { asOf, catalogue });
    // The patient is a Phi value: JSON shows it as [redacted].
    write(io.stdout, values.json === true ? JSON.stringify(summary, null, 2) : formatSummary(summary));
    for (const r of summary.rejected)
      write(io.stderr, `${positionals[r.index] ?? 'お薬手帳'}: ${INPUT_ERROR_TEXT[r.error]}`);
    return summary.rejected.length === inputs.length ? 1 : 0;
  },
};
