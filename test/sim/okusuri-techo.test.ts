import { describe, expect, it } from 'vitest';
import {
  okusuriTechoBundles,
  parseSummary,
  readOkusuriTecho,
  type TechoDocument,
} from '../../src/records/index.js';
import { medicalRecord, okusuriTechoPayload, okusuriTechoText } from '../../src/sim/records/index.js';

/** Holders 0..199 of the demo seed: a synthetic お薬手帳 of each reads back as what the record holds. */
describe('synthetic お薬手帳 payloads (src/sim/records/okusuri-techo.ts)', () => {
  const holders = Array.from({ length: 200 }, (_, i) => medicalRecord(1, i));

  it('are Shift_JIS JAHISTC08 texts that read back with every drug, its YJ code, the allergies and the patient', () => {
    for (const record of holders) {
      const bytes = okusuriTechoPayload(record, { dispensedOn: '2026-11-20' });
      // Shift_JIS, not UTF-8 (a Japanese text that is valid UTF-8 would mean the encoder was skipped).
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
      const read = readOkusuriTecho([{ bytes }]);
      if (!read.ok) throw new Error(`holder ${record.holder.index}: ${read.error.code}`);
      const [doc] = read.value as [TechoDocument];
      expect(doc.version.header).toBe('JAHISTC08');
      expect(doc.skipped).toEqual([]);
      expect(doc.patient?.reveal().birthDate).toBe(record.holder.birthDate);
      expect(doc.patient?.reveal().sex).toBe(record.holder.sex);
      const drugs = doc.dispensings.flatMap((d) => d.rps.flatMap((rp) => rp.drugs));
      expect(drugs.map((d) => [d.name, d.code])).toEqual(
        record.medications.map((m) => [m.drug.ja, { type: 'yj', code: m.drug.yj }]),
      );
      expect(doc.notes.filter((n) => n.kind === 'allergy')).toHaveLength(record.allergies.length);
      expect(doc.dispensings.map((d) => d.date)).toEqual(['2026-11-20']);
    }
  });

  it('classify like the records: a holder on an anticoagulant shows the flag from the QR alone', () => {
    const holder = holders.find((r) => r.medications.some((m) => m.drug.atc.startsWith('B01A')));
    if (holder === undefined) throw new Error('no anticoagulant holder in the first 200');
    const read = readOkusuriTecho([{ bytes: okusuriTechoPayload(holder, { dispensedOn: '2026-11-20' }) }]);
    if (!read.ok) throw new Error(read.error.code);
    const summary = parseSummary(okusuriTechoBundles(read.value), { asOf: new Date('2026-11-30T00:00:00Z') });
    expect(summary.criticalFlags.flags.length).toBeGreaterThan(0);
    expect(summary.medications.status).toBe('available');
    if (summary.medications.status !== 'available') return;
    expect(summary.medications.items.every((m) => m.current && m.provenance.document === 'お薬手帳')).toBe(
      true,
    );
  });

  it('write each record on its own CR LF line, commas in texts full-width', () => {
    const text = okusuriTechoText(holders[0] as (typeof holders)[number]);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')[0]).toBe('JAHISTC08,1');
  });
});
