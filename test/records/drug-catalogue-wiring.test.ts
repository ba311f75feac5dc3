/**
 * The configured drug catalogue reaches the parser: records.drugCatalogueFile at role start (a bad file
 * stops the role with a clear message) and `ems-gateway summary --drug-catalogue FILE`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CommandIo } from '../../src/cli/command.js';
import { summaryCommand } from '../../src/cli/commands/summary.js';
import { validateConfig, type AmbulanceConfig } from '../../src/config/index.js';
import { loadConfiguredDrugCatalogue } from '../../src/roles/ambulance.js';
import { ROOT } from '../support/paths.js';

const HEADER =
  '区分,薬価基準収載医薬品コード,成分名,規格,日本薬局方,麻薬,業者名追記,品名,メーカー名,診療報酬において加算等の算定対象となる後発医薬品,先発医薬品,同一剤形・規格の後発医薬品がある先発医薬品,薬価,経過措置による使用期限,備考';
/** Invented products in the published column layout (not MHLW data). */
const CATALOGUE = `${HEADER}\n内用薬,3332900F1018,ワルファリンカリウム,１ｍｇ１錠,,,,テストワルファ錠１ｍｇ「テスト」,テスト製薬,,,,9.8,,\n`;

const dir = mkdtempSync(join(tmpdir(), 'ems-drug-catalogue-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const ambulance = (drugCatalogueFile?: string): AmbulanceConfig => {
  const example = JSON.parse(readFileSync(join(ROOT, 'examples', 'ambulance.json'), 'utf8')) as {
    records: Record<string, unknown>;
  };
  const records =
    drugCatalogueFile === undefined ? example.records : { ...example.records, drugCatalogueFile };
  const config = validateConfig({ ...example, records });
  if (!config.ok || config.value.role !== 'ambulance') throw new Error('example config');
  return config.value;
};

/** A collection Bundle of one patient on a drug known only by a HOT9 code and its product name. */
const bundle = {
  resourceType: 'Bundle',
  type: 'collection',
  entry: [
    {
      fullUrl: 'urn:uuid:p1',
      resource: { resourceType: 'Patient', id: 'p1', gender: 'female', birthDate: '1950-01-01' },
    },
    {
      fullUrl: 'urn:uuid:m1',
      resource: {
        resourceType: 'MedicationStatement',
        status: 'active',
        subject: { reference: 'urn:uuid:p1' },
        effectiveDateTime: '2026-03-01',
        medicationCodeableConcept: {
          coding: [
            {
              system: 'urn:oid:1.2.392.200119.4.403.1',
              code: '999999901',
              display: 'テストワルファ錠1mg「テスト」',
            },
          ],
        },
      },
    },
  ],
};

const run = async (args: string[]) => {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (d: Buffer) => out.push(d.toString()));
  stderr.on('data', (d: Buffer) => err.push(d.toString()));
  const io: CommandIo = {
    stdin: new PassThrough(),
    stdout,
    stderr,
    env: {},
    signal: new AbortController().signal,
  };
  const status = await summaryCommand.run(args, io);
  return { status, out: out.join(''), err: err.join('') };
};

describe('records.drugCatalogueFile', () => {
  it('is optional; when set, the role loads the list at start', () => {
    expect(loadConfiguredDrugCatalogue(ambulance())).toBeUndefined();
    expect(loadConfiguredDrugCatalogue(ambulance(file('list.csv', CATALOGUE)))?.products).toHaveLength(1);
  });

  it('stops the role with a clear config message when the file is missing or not a price list', () => {
    expect(() => loadConfiguredDrugCatalogue(ambulance(join(dir, 'missing.csv')))).toThrow(
      /^records\.drugCatalogueFile: .*missing\.csv: ENOENT \(unreadable\)$/,
    );
    expect(() => loadConfiguredDrugCatalogue(ambulance(file('bad.csv', 'a,b\n1,2\n')))).toThrow(
      /^records\.drugCatalogueFile: .*missing column\(s\): 区分.* \(not-a-price-list\)$/,
    );
  });

  it('is refused by the schema when empty', () => {
    const example = JSON.parse(readFileSync(join(ROOT, 'examples', 'ambulance.json'), 'utf8')) as {
      records: Record<string, unknown>;
    };
    const result = validateConfig({ ...example, records: { ...example.records, drugCatalogueFile: '' } });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.map((p) => p.path)).toEqual(['records.drugCatalogueFile']);
  });
});

describe('ems-gateway summary --drug-catalogue FILE', () => {
  const bundleFile = file('bundle.json', JSON.stringify(bundle));
  const read = (json: string) => {
    const summary = JSON.parse(json) as {
      medications: { items?: { classified: boolean; flags: string[] }[] };
      criticalFlags: { status: string; unclassified: number };
    };
    return { items: summary.medications.items ?? [], criticalFlags: summary.criticalFlags };
  };

  it('classifies a HOT-coded drug by its name only with the catalogue', async () => {
    const without = await run([bundleFile, '--json', '--as-of', '2026-03-10']);
    expect(without.status).toBe(0);
    expect(read(without.out)).toMatchObject({
      items: [{ classified: false, flags: [] }],
      criticalFlags: { status: 'incomplete', unclassified: 1 },
    });
    const withList = await run([
      bundleFile,
      '--json',
      '--as-of',
      '2026-03-10',
      '--drug-catalogue',
      file('l.csv', CATALOGUE),
    ]);
    expect(withList.status).toBe(0);
    expect(read(withList.out)).toMatchObject({
      items: [{ classified: true, flags: ['anticoagulant'] }],
      criticalFlags: { status: 'complete', unclassified: 0 },
    });
  });

  it('refuses an unreadable catalogue with exit 1 and the reason', async () => {
    const result = await run([bundleFile, '--drug-catalogue', join(dir, 'nope.csv')]);
    expect(result.status).toBe(1);
    expect(result.err).toMatch(/--drug-catalogue: .*nope\.csv: ENOENT/);
  });
});
