import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { ROOT } from '../../support/paths.js';

const FIXTURES = `${ROOT}test/fixtures/okusuri-techo/`;
const f = (name: string): string => `${FIXTURES}${name}`;
const AS_OF = ['--as-of', '2026-10-10'];

interface JsonMedication {
  readonly name: string;
  readonly current: boolean;
  readonly flags: readonly string[];
  readonly provenance: { readonly document?: string; readonly organisation?: string; readonly date?: string };
}

describe('ems-gateway summary --okusuri-techo FILE… (compiled CLI)', () => {
  it('prints the medications of a split Shift_JIS set scanned out of order, each with its own source and date', () => {
    const run = runCli([
      'summary',
      ...AS_OF,
      '--okusuri-techo',
      f('split-3of3.sjis.txt'),
      f('split-1of3.sjis.txt'),
      f('split-2of3.sjis.txt'),
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /- エリキュース錠５ｍｇ — 2錠 １日２回朝夕食後 \(28日分\) \[anticoagulant\].*\(2026-10-02 · お薬手帳 · 試験薬局 駅前店\)/u,
    );
    expect(run.stdout).toMatch(/\(past\) ロキソニン錠６０ｍｇ.*\(2025-01-10 · お薬手帳 · 試験薬局 北口店\)/u);
    expect(run.stdout).toContain('ペニシリン系抗生物質で全身に発疹');
    expect(run.stdout).toContain('ロキソプロフェンで胃痛');
    expect(run.stdout).toContain('脳梗塞（２０１９年）');
    expect(run.stdout).toMatch(
      /Critical medication flags \(incomplete: \d+ not classified\): anticoagulant, glucose-lowering/u,
    );
    // Identity stays out of the output.
    expect(run.stdout).not.toContain('試験 花子');
    expect(run.stdout).not.toContain('1944');
  });

  it('gives the same medications as JSON for the UTF-8 payload, merged with a FHIR file of the same patient', () => {
    const run = runCli([
      'summary',
      f('fhir-same-patient.json'),
      ...AS_OF,
      '--json',
      '--okusuri-techo',
      f('full-v08.txt'),
    ]);
    expect(run.status).toBe(0);
    const summary = JSON.parse(run.stdout) as {
      patient: string;
      medications: { status: string; items: JsonMedication[] };
      allergies: { status: string; items: { substance: string }[] };
    };
    expect(summary.patient).toBe('[redacted]');
    expect(summary.medications.status).toBe('available');
    const eliquis = summary.medications.items.find((m) => m.name === 'エリキュース錠５ｍｇ');
    expect(eliquis).toMatchObject({
      current: true,
      flags: ['anticoagulant'],
      provenance: { document: 'お薬手帳', organisation: '試験薬局 駅前店', date: '2026-10-02' },
    });
    expect(summary.medications.items.find((m) => m.name === 'ロキソニン錠６０ｍｇ')?.current).toBe(false);
    expect(summary.allergies.items.map((a) => a.substance)).toEqual(
      expect.arrayContaining(['ヨード造影剤', 'ペニシリン系抗生物質で全身に発疹', 'ロキソプロフェンで胃痛']),
    );
  });

  it('refuses a set with a part missing as a whole, with the missing part named', () => {
    const run = runCli([
      'summary',
      ...AS_OF,
      '--okusuri-techo',
      f('split-1of3.sjis.txt'),
      f('split-3of3.sjis.txt'),
    ]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('お薬手帳 code 2 of 3 is missing');
  });

  it('uses nothing when the お薬手帳 and the FHIR file name different patients', () => {
    const run = runCli([
      'summary',
      f('fhir-other-patient.json'),
      ...AS_OF,
      '--okusuri-techo',
      f('full-v08.txt'),
    ]);
    expect(run.status).toBe(1);
    expect(run.stdout).not.toContain('エリキュース');
    expect(run.stderr).toContain('different patients');
  });
});
