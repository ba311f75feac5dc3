import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  jahisDate,
  parseOkusuriTechoText,
  readOkusuriTecho,
  type ScannedCode,
  type TechoDocument,
} from '../../../src/records/index.js';

const fixture = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`../../fixtures/okusuri-techo/${name}`, import.meta.url)));
const code = (name: string): ScannedCode => ({ bytes: fixture(name) });
const utf8 = (text: string): ScannedCode => ({ bytes: new TextEncoder().encode(text) });

const readOne = (codes: readonly ScannedCode[]): TechoDocument => {
  const read = readOkusuriTecho(codes);
  if (!read.ok) throw new Error(`refused: ${read.error.code} ${read.error.message}`);
  expect(read.value).toHaveLength(1);
  return read.value[0] as TechoDocument;
};

/** The document with its patient revealed, for deep comparisons. */
const plain = (d: TechoDocument): unknown => ({ ...d, patient: d.patient?.reveal() });

describe('お薬手帳: every record of the JAHIS format (synthetic Ver.2.6 payload, JAHISTC08)', () => {
  const doc = readOne([code('full-v08.txt')]);

  it('reads the version record, the patient (kept redacted) and the patient notes by kind', () => {
    expect(doc.version).toEqual({ header: 'JAHISTC08', number: 8, specVersions: ['2.5', '2.6'] });
    expect(doc.direction).toBe('to-patient');
    expect(String(doc.patient)).toBe('[redacted]');
    expect(doc.patient?.reveal()).toEqual({
      name: '試験 花子',
      kana: 'シケン ハナコ',
      sex: 'female',
      birthDate: '1944-03-15',
    });
    expect(doc.notes).toEqual([
      { kind: 'allergy', text: 'ペニシリン系抗生物質で全身に発疹', author: 'professional' },
      { kind: 'side-effect', text: 'ロキソプロフェンで胃痛', author: 'professional' },
      { kind: 'past-illness', text: '脳梗塞（２０１９年）', author: 'professional' },
      { kind: 'other', text: '人工透析中（月・水・金）', author: 'patient' },
    ]);
    expect(doc.otc).toEqual([
      { name: 'バファリンＡ', started: '2026-09-01', ended: '2026-09-05', ingredients: ['アスピリン'] },
    ]);
    expect(doc.skipped).toEqual([]);
  });

  it('reads each dispensing: date, pharmacy, pharmacist, prescribing institution, prescriber per RP', () => {
    expect(doc.dispensings.map((d) => d.date)).toEqual(['2026-10-02', '2025-01-10']);
    const [d] = doc.dispensings;
    expect(d?.pharmacy).toEqual({ name: '試験薬局 駅前店', prefecture: '13', code: '1234567' });
    expect(d?.pharmacist).toBe('試験 一郎');
    expect(d?.prescribingInstitution).toEqual({ name: '試験総合病院', prefecture: '13', code: '7654321' });
    expect(d?.rps.map((rp) => [rp.number, rp.prescriber?.name, rp.prescriber?.department])).toEqual([
      [1, '試験 次郎', '循環器内科'],
      [2, '試験 次郎', '循環器内科'],
      [3, '試験 三郎', '神経内科'],
      [4, '試験 三郎', '神経内科'],
      [5, '試験 三郎', '神経内科'],
    ]);
    expect(d?.cautions).toEqual(['他の薬を飲むときは相談してください']);
    expect(d?.providedInfo).toEqual(['嚥下困難のため錠剤は粉砕']);
    expect(d?.leftovers).toEqual(['エリキュース錠が３錠残薬']);
    expect(d?.remarks).toEqual(['薬の説明書を参照']);
    expect(d?.patientEntries).toEqual(['夕方にふらつく']);
    expect(doc.dispensings[1]?.pharmacy?.name).toBe('試験薬局 北口店');
  });

  it('reads drugs with every code type, quantity and unit, supplements, cautions and usage', () => {
    const rps = doc.dispensings[0]?.rps ?? [];
    expect(
      rps.flatMap((rp) => rp.drugs.map((drug) => [drug.name, drug.quantity, drug.unit, drug.code])),
    ).toEqual([
      ['エリキュース錠５ｍｇ', '2', '錠', { type: 'yj', code: '3339004F2025' }],
      ['メトグルコ錠２５０ｍｇ', '3', '錠', { type: 'price-list', code: '3962002F2027' }],
      ['デパケンＲ錠２００ｍｇ', '2', '錠', { type: 'receipt', code: '620000001' }],
      ['プレドニゾロン錠', '1', '錠', { type: 'hot', code: '106271807' }],
      ['ムコスタ錠１００ｍｇ', '1', '錠', { type: 'none' }],
    ]);
    expect(rps[0]?.drugs[0]?.supplements).toEqual(['朝１錠、夕１錠']);
    expect(rps[0]?.drugs[0]?.cautions).toEqual(['出血に注意']);
    expect(rps[1]?.drugs[0]?.genericName).toBe('【般】メトホルミン塩酸塩錠２５０ｍｇ');
    expect(rps[1]?.drugs[0]?.genericCode).toBe('3962002F2ZZZ');
    expect(rps[0]?.usage).toEqual({
      text: '１日２回朝夕食後',
      dispensedQuantity: 28,
      dispensedUnit: '日分',
      form: 'oral',
      supplements: [],
    });
    expect(rps[1]?.usage?.supplements).toEqual(['シックデイには休薬']);
    expect(rps[1]?.cautions).toEqual(['造影検査の前後は服用しない']);
    expect(rps[4]?.usage).toMatchObject({ dispensedQuantity: 10, dispensedUnit: '回分', form: 'as-needed' });
  });

  it('reads the Shift_JIS bytes of the same payload to the same document', () => {
    expect(plain(readOne([code('full-v08.sjis.txt')]))).toEqual(plain(doc));
  });

  it('joins a JAHIS split set (911 分割制御) scanned in any order to the same document', () => {
    const parts = ['split-1of3.sjis.txt', 'split-2of3.sjis.txt', 'split-3of3.sjis.txt'].map(code);
    const orders = [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ];
    for (const order of orders) {
      expect(plain(readOne(order.map((i) => parts[i] as ScannedCode)))).toEqual(plain(doc));
    }
    // The same code scanned twice is harmless.
    expect(plain(readOne([...parts, parts[1] as ScannedCode]))).toEqual(plain(doc));
  });
});

describe('お薬手帳: version headers, eras and direction', () => {
  it('reads a JAHISTC01 payload with era dates and the shorter early layouts', () => {
    const doc = readOne([code('v01-era.txt')]);
    expect(doc.version.specVersions).toEqual(['1.0']);
    expect(doc.patient?.reveal().birthDate).toBe('1944-03-15');
    expect(doc.dispensings[0]?.date).toBe('2026-10-01');
    expect(doc.dispensings[0]?.rps[0]?.drugs[0]?.author).toBeUndefined();
    expect(doc.notes).toEqual([{ kind: 'allergy', text: '造影剤でショック', author: undefined }]);
  });

  it('reads a patient-to-provider payload (出力区分 2) with patient-authored records', () => {
    const doc = readOne([code('v03-from-patient.txt')]);
    expect(doc.direction).toBe('from-patient');
    expect(doc.dispensings[0]?.rps[0]?.drugs[0]).toMatchObject({ author: 'patient', code: { type: 'none' } });
  });

  it('knows every version header in use and reads a newer one with no specification version', () => {
    const versions = ['01', '02', '03', '04', '05', '06', '07', '08'].map(
      (n) => readOne([utf8(`JAHISTC${n},1\r\n5,20260101,1\r\n`)]).version.specVersions,
    );
    expect(versions).toEqual([['1.0'], ['1.1'], ['2.0'], ['2.1'], ['2.2'], ['2.3'], ['2.4'], ['2.5', '2.6']]);
    expect(readOne([utf8('JAHISTC08,1\r\n5,20260101,1\r\n\u001a')]).dispensings).toHaveLength(1);
    expect(readOne([utf8('JAHISTC09,1\n5,20260101,1\n')]).version).toEqual({
      header: 'JAHISTC09',
      number: 9,
      specVersions: [],
    });
  });

  it('converts western and era dates and refuses dates that do not exist', () => {
    expect(jahisDate('20240229')).toBe('2024-02-29');
    expect(jahisDate('R010501')).toBe('2019-05-01');
    expect(jahisDate('H310430')).toBe('2019-04-30');
    expect(jahisDate('S640107')).toBe('1989-01-07');
    for (const bad of [
      '20230229',
      '20261301',
      '20260000',
      'H310501',
      'H320101',
      'R010430',
      'S650101',
      'X010101',
      '2026-10-02',
      '',
    ]) {
      expect(jahisDate(bad), bad).toBeUndefined();
    }
  });
});

describe('お薬手帳: what cannot be read is counted, and a set with a part missing is refused whole', () => {
  it('counts an unknown record, a malformed one, an orphan and an impossible date, and reads the rest', () => {
    const doc = readOne([
      utf8(
        [
          'JAHISTC08,1',
          '2,7,unknown kind,1',
          '201,1,ワーファリン錠１ｍｇ,1,錠,4,3332001F1026,1',
          '5,20261001,1',
          '201,1,,1,錠,1,,1',
          '281,2,no such RP,1',
          '999,a future record',
          '201,1,アムロジピン錠５ｍｇ,1,錠,1,,1',
          '5,20260230,1',
          '201,1,ワーファリン錠１ｍｇ,1,錠,4,3332001F1026,1',
          '3,風邪薬,20261301,,2',
        ].join('\r\n'),
      ),
    ]);
    expect(doc.skipped).toEqual([
      { line: 2, record: '2', reason: 'malformed-record', scope: 'patient' },
      { line: 3, record: '201', reason: 'orphan-record', scope: 'dispensing' },
      { line: 5, record: '201', reason: 'malformed-record', scope: 'dispensing' },
      { line: 6, record: '281', reason: 'orphan-record', scope: 'dispensing' },
      { line: 7, record: '999', reason: 'unknown-record', scope: 'dispensing' },
      { line: 9, record: '5', reason: 'impossible-date', scope: 'dispensing' },
      { line: 10, record: '201', reason: 'impossible-date', scope: 'dispensing' },
      { line: 11, record: '3', reason: 'impossible-date', scope: 'dispensing' },
    ]);
    expect(doc.dispensings).toHaveLength(1);
    expect(doc.dispensings[0]?.rps[0]?.drugs.map((d) => d.name)).toEqual(['アムロジピン錠５ｍｇ']);
  });

  it('refuses a split set with a part missing, two different codes for one part, or parts that disagree', () => {
    const [one, two, three] = ['split-1of3.sjis.txt', 'split-2of3.sjis.txt', 'split-3of3.sjis.txt'].map(code);
    const missing = readOkusuriTecho([three as ScannedCode, one as ScannedCode]);
    expect(missing).toEqual({
      ok: false,
      error: { code: 'missing-part', message: 'お薬手帳 code 2 of 3 is missing: scan every code of the set' },
    });
    const header = 'JAHISTC08,1\r\n5,20261001,1\r\n';
    const conflicting = readOkusuriTecho([
      one as ScannedCode,
      two as ScannedCode,
      three as ScannedCode,
      utf8(`${header}911,20261002103000,3,2`),
    ]);
    expect(conflicting.ok ? undefined : conflicting.error.code).toBe('conflicting-part');
    const totals = readOkusuriTecho([utf8(`${header}911,1,2,1`), utf8(`${header}911,1,3,2`)]);
    expect(totals.ok ? undefined : totals.error.code).toBe('inconsistent-set');
    const malformed = readOkusuriTecho([utf8(`${header}911,1,2,3`)]);
    expect(malformed.ok ? undefined : malformed.error.code).toBe('inconsistent-set');
  });

  it('refuses codes that are not お薬手帳 text, with a reason and no field contents', () => {
    const cases: [ScannedCode[], string][] = [
      [[], 'no-codes'],
      [[utf8('JAHIS10\r\n1,1,1234567,13,試験病院\r\n')], 'not-okusuri-techo'],
      [[utf8('hello, world')], 'fragment-without-sequence'],
      [[{ bytes: new Uint8Array([0x4a, 0x41, 0x82, 0x20, 0xff]) }], 'wrong-encoding'],
      [[{ bytes: new Uint8Array(9000) }], 'too-large'],
    ];
    for (const [codes, expected] of cases) {
      const read = readOkusuriTecho(codes);
      expect(read.ok ? undefined : read.error.code).toBe(expected);
    }
  });

  it('refuses documents that name different patients, whether in one document or across codes', () => {
    const same = readOkusuriTecho([code('v01-era.txt'), code('v03-from-patient.txt')]);
    expect(same.ok && same.value.length).toBe(2);
    const different = readOkusuriTecho([code('full-v08.txt'), code('v01-era.txt')]);
    expect(different.ok ? undefined : different.error.code).toBe('different-patients');
    const inOne = parseOkusuriTechoText('JAHISTC08,1\n1,試験 花子,2,19440315\n1,試験 花子,2,19450315\n');
    expect(inOne.ok ? undefined : inOne.error.code).toBe('different-patients');
    // The same patient written with full-width and half-width spaces is one patient.
    expect(parseOkusuriTechoText('JAHISTC08,1\n1,試験 花子,2,19440315\n1,試験　花子,,\n').ok).toBe(true);
  });
});
