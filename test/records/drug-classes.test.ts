import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ATC_SYSTEM,
  GENERAL_NAME_CODE_SYSTEMS,
  INGREDIENT_CODE_RULES,
  NAME_ONLY_SYSTEMS,
  PRICE_CODE_SYSTEMS,
  YJ_SYSTEM,
  YJ_SYSTEMS,
  classifyDrug,
  drugNameKeys,
  normaliseDrugName,
  parseDrugCatalogue,
  type DrugCatalogue,
} from '../../src/records/index.js';

const atc = (code: string) => ({ system: ATC_SYSTEM, code });
const yj = (code: string) => ({ system: YJ_SYSTEM, code });
const codes = (...codings: { system: string; code: string }[]) => classifyDrug({ codings, names: [] });

/** A synthetic price list in the published column layout (invented products, not MHLW data). */
const HEADER =
  '区分,薬価基準収載医薬品コード,成分名,規格,日本薬局方,麻薬,業者名追記,品名,メーカー名,診療報酬において加算等の算定対象となる後発医薬品,先発医薬品,同一剤形・規格の後発医薬品がある先発医薬品,薬価,経過措置による使用期限,備考';
const row = (route: string, code: string, ingredient: string, name: string) =>
  `${route},${code},${ingredient},１錠,,,,${name},テスト製薬,,,,10.0,,`;
const SYNTHETIC = [
  HEADER,
  row('内用薬', '3399900F1010', 'クロピドグレル硫酸塩', 'テストクロピ錠７５ｍｇ'),
  row('内用薬', '3399901F1015', 'テスト未審査成分', 'テスト新薬錠１０ｍｇ'),
  row('内用薬', '3332900F1018', 'ワルファリンカリウム', 'テストワルファ錠１ｍｇ「テスト」'),
  row('内用薬', '2149900F1011', 'テストサルタン', 'テストサルタン錠５ｍｇ'),
  row('外用薬', '2646900M1016', 'プレドニゾロン', 'テストプレド軟膏'),
  row('内用薬', '2456900F1012', 'プレドニゾロン', 'テストプレド錠５ｍｇ'),
].join('\r\n');

const synthetic = (): DrugCatalogue => {
  const parsed = parseDrugCatalogue(SYNTHETIC);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
};

describe('classifyDrug by ATC (WHO ATC/DDD index)', () => {
  it.each([
    ['B01AA03', ['anticoagulant'], 'atc:B01AA'], // warfarin
    ['B01AF02', ['anticoagulant'], 'atc:B01AF'], // apixaban
    ['B01AE07', ['anticoagulant'], 'atc:B01AE'], // dabigatran
    ['B01AX05', ['anticoagulant'], 'atc:B01AX'], // fondaparinux
    ['B01AC06', ['antiplatelet'], 'atc:B01AC'], // low-dose aspirin
    ['N02BA01', ['antiplatelet'], 'atc:N02BA01'], // analgesic aspirin
    ['A10AE04', ['insulin'], 'atc:A10A'], // insulin glargine
    ['A10AE56', ['insulin', 'glucose-lowering'], 'atc:A10AE56'], // degludec/liraglutide
    ['A10BA02', ['glucose-lowering'], 'atc:A10B'], // metformin
    ['H02AB06', ['systemic-steroid'], 'atc:H02A'], // prednisolone
    ['H02CA01', [], 'atc:H02CA'], // trilostane: antiadrenal, not a steroid
    ['N03AX14', ['antiepileptic'], 'atc:N03'], // levetiracetam
    ['N02BF02', [], 'atc:N02BF'], // pregabalin (gabapentinoid since 2023)
    ['N02AA05', ['opioid'], 'atc:N02A'], // oxycodone
    ['N01AH01', ['opioid'], 'atc:N01AH'], // fentanyl (anaesthetic)
    ['R05DA04', ['opioid'], 'atc:R05DA'], // codeine
    ['R05DA09', [], 'atc:R05DA09'], // dextromethorphan
    ['L04AD02', ['immunosuppressant'], 'atc:L04'], // tacrolimus
    ['L01BA01', ['immunosuppressant'], 'atc:L01BA01'], // methotrexate (oncology)
    ['C08CA01', [], 'atc:C08CA'], // amlodipine
  ] as const)('%s → %j', (code, flags, basis) => {
    expect(codes(atc(code))).toEqual({ classified: true, flags, basis });
  });

  it('places a group code only when the group is not split between classes', () => {
    expect(codes(atc('C08'))).toMatchObject({ classified: true, flags: [] });
    expect(codes(atc('B01AC'))).toMatchObject({ classified: true, flags: ['antiplatelet'] });
    expect(codes(atc('B01A'))).toMatchObject({ classified: false });
    expect(codes(atc('R05DA'))).toMatchObject({ classified: false, flags: ['opioid'] });
    expect(codes(atc('B01AX9'))).toMatchObject({ classified: false });
  });

  it('ignores case and spaces in codes', () => {
    expect(codes(atc(' b01af01 '))).toMatchObject({ classified: true, flags: ['anticoagulant'] });
  });
});

describe('classifyDrug by 薬効分類 (YJ, 薬価基準収載医薬品コード, 一般名処方コード)', () => {
  it.each([
    ['3332001F1', ['anticoagulant'], 'yj:333'], // warfarin
    ['3339003F1', ['anticoagulant'], 'yj:333'], // a DOAC (oral)
    ['3339950M1', [], 'yj:3339'], // heparinoid skin cream (external)
    ['2456001F1310', ['systemic-steroid'], 'yj:245'], // prednisolone tablets
    ['2456700Q1', ['systemic-steroid'], 'yj:245'], // prednisolone enema
    ['2451402G1', [], 'yj:2451'], // adrenaline auto-injector
    ['2646700M1', [], 'yj:2646'], // topical steroid
    ['3969010F1', ['glucose-lowering'], 'yj:396'], // DPP-4 inhibitor
    ['1139010F1', ['antiepileptic'], 'yj:113'],
    ['8119002G1', ['opioid'], 'yj:811'],
    ['8219700S1', ['opioid'], 'yj:821'], // fentanyl patch
    ['8121700X1', [], 'yj:8121'], // cocaine: not an opioid
    ['2149900F1', [], 'yj:2149'],
  ] as const)('%s → %j', (code, flags, basis) => {
    expect(codes(yj(code))).toEqual({ classified: true, flags, basis });
  });

  it('reads every system URI in use, and the 一般名処方コード by its first characters', () => {
    for (const system of [...YJ_SYSTEMS, ...PRICE_CODE_SYSTEMS, ...GENERAL_NAME_CODE_SYSTEMS]) {
      expect(codes({ system, code: '3332001F1ZZZ' }), system).toMatchObject({ flags: ['anticoagulant'] });
    }
  });

  it.each([
    ['3399007H1021', ['antiplatelet'], 'aspirin enteric tablets (YJ)'],
    ['3399007H1ZZZ', ['antiplatelet'], 'aspirin (一般名処方コード)'],
    ['3399008F2021', ['antiplatelet'], 'clopidogrel'],
    ['3399009F1', ['antiplatelet'], 'prasugrel'],
    ['3399002F1', ['antiplatelet'], 'cilostazol'],
    ['3999014M1022', ['immunosuppressant'], 'tacrolimus capsules'],
    ['3999416A1', ['immunosuppressant'], 'tacrolimus injection'],
    ['3999017M1', ['immunosuppressant'], 'mycophenolate mofetil'],
    ['3999005F1', ['immunosuppressant'], 'azathioprine'],
    ['3999016M1', ['immunosuppressant'], 'methotrexate (rheumatology)'],
    ['1149038F1', ['opioid'], 'tramadol'],
    ['2492416G1', ['insulin'], 'insulin glargine'],
    ['3969500G1', ['insulin', 'glucose-lowering'], 'insulin degludec / liraglutide'],
  ] as const)(
    'classifies %s by its ingredient code without the catalogue (%j, %s)',
    (code, flags, _ingredient) => {
      for (const system of [...YJ_SYSTEMS, ...PRICE_CODE_SYSTEMS, ...GENERAL_NAME_CODE_SYSTEMS]) {
        expect(codes({ system, code }), system).toEqual({
          classified: true,
          flags,
          basis: `ingredient-code:${code.slice(0, 7)}`,
        });
      }
    },
  );

  it('lists ingredient codes of mixed categories only, each with a flag', () => {
    for (const [prefix, flags] of Object.entries(INGREDIENT_CODE_RULES)) {
      expect(prefix, prefix).toMatch(/^[0-9]{7}$/u);
      expect(flags.length, prefix).toBeGreaterThan(0);
      // A uniform category would decide by yj:, never by the table: such an entry would be dead.
      expect(codes(yj(`${prefix}F1`)), prefix).toEqual({
        classified: true,
        flags,
        basis: `ingredient-code:${prefix}`,
      });
    }
  });

  it('leaves a mixed category unclassified without the catalogue, with the reason', () => {
    // Loxoprofen, limaprost, donepezil, and ingredient codes that no 2025 product has (a new insulin,
    // a new immunosuppressant would be one): never "no flag" without the catalogue.
    for (const code of ['1149019F1560', '3399003F1', '1190012F1', '2492499G1', '3999099F1', '6399499G1']) {
      const c = codes(yj(code));
      expect(c, code).toMatchObject({ classified: false });
      if (!c.classified) expect(c.why).toContain('needs the drug catalogue');
    }
    expect(codes(yj('33'))).toMatchObject({ classified: false });
  });
});

describe('classifyDrug with the catalogue (synthetic price list)', () => {
  const catalogue = synthetic();

  it('classifies a mixed category by ingredient, and a reviewed-nothing ingredient stays unclassified', () => {
    expect(classifyDrug({ codings: [yj('3399900F1010')], names: [] }, catalogue)).toEqual({
      classified: true,
      flags: ['antiplatelet'],
      basis: 'ingredient:クロピドグレル',
    });
    const unreviewed = classifyDrug({ codings: [yj('3399901F1015')], names: [] }, catalogue);
    expect(unreviewed).toMatchObject({ classified: false, flags: [] });
  });

  it('falls back to the ingredient code when the catalogue does not list the code', () => {
    expect(classifyDrug({ codings: [yj('3399008F2021')], names: [] }, catalogue)).toEqual({
      classified: true,
      flags: ['antiplatelet'],
      basis: 'ingredient-code:3399008',
    });
    const unlisted = classifyDrug({ codings: [yj('3399003F1')], names: [] }, catalogue);
    expect(unlisted).toMatchObject({ classified: false, flags: [] });
    if (!unlisted.classified) expect(unlisted.why).toContain('not in the drug catalogue');
  });

  it('classifies a HOT- or receipt-coded drug by its name, never by the code', () => {
    const hot = { system: NAME_ONLY_SYSTEMS[0] ?? '', code: '1234567' };
    expect(classifyDrug({ codings: [hot], names: [] }, catalogue)).toMatchObject({ classified: false });
    expect(
      classifyDrug({ codings: [hot], names: ['テストワルファ錠1mg「テスト」'] }, catalogue),
    ).toMatchObject({
      classified: true,
      flags: ['anticoagulant'],
    });
  });

  it('unites the flags of every coding and name, and never drops one', () => {
    expect(classifyDrug({ codings: [atc('C08CA01'), yj('3332001F1')], names: [] })).toMatchObject({
      classified: true,
      flags: ['anticoagulant'],
    });
    expect(codes(atc('N02AA05'), atc('B01AC06'), yj('8119002G1'), atc('B01AF01'))).toMatchObject({
      flags: ['anticoagulant', 'antiplatelet', 'opioid'],
    });
  });

  it('leaves a name of products of different classes unclassified (ointment vs tablet)', () => {
    expect(classifyDrug({ codings: [], names: ['プレドニゾロン'] }, catalogue)).toMatchObject({
      classified: false,
      flags: ['systemic-steroid'],
    });
  });

  it('reports a bad price list as a typed error', () => {
    expect(parseDrugCatalogue('a,b,c\n1,2,3')).toMatchObject({
      ok: false,
      error: { code: 'not-a-price-list' },
    });
    expect(parseDrugCatalogue(`${HEADER}\n内用薬,XYZ,成分,,,,,品名,,,,,1,,`)).toMatchObject({
      ok: false,
      error: { code: 'bad-row', message: 'line 2: not a product row of the price list' },
    });
    expect(parseDrugCatalogue(HEADER)).toMatchObject({ ok: false, error: { code: 'empty' } });
  });
});

describe('properties', () => {
  const known = new Set([ATC_SYSTEM, ...YJ_SYSTEMS, ...PRICE_CODE_SYSTEMS, ...GENERAL_NAME_CODE_SYSTEMS]);
  const catalogue = synthetic();
  const keys = new Set(catalogue.byName.keys());

  it('never classifies a drug by a code system it does not know', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            system: fc.oneof(fc.constantFrom(...NAME_ONLY_SYSTEMS, 'http://snomed.info/sct'), fc.webUrl()),
            code: fc.oneof(fc.constantFrom('3332001F1', 'B01AA03', '2492416G1'), fc.string()),
          }),
          { maxLength: 4 },
        ),
        (codings) => {
          fc.pre(codings.every((c) => !known.has(c.system)));
          expect(classifyDrug({ codings, names: [] }, catalogue).classified).toBe(false);
        },
      ),
    );
  });

  it('normalises names idempotently', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), (a, b) => {
        for (const s of [a, b, `${a}５ｍｇ「${b}」`])
          expect(normaliseDrugName(normaliseDrugName(s))).toBe(normaliseDrugName(s));
      }),
    );
  });

  it('leaves a name that matches no product unclassified', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.constantFrom('テストクロピ錠', 'テストクロピ錠75', 'テストクロピ錠7.5mg')),
        (name) => {
          fc.pre(drugNameKeys(name).every((k) => !keys.has(k)));
          expect(classifyDrug({ codings: [], names: [name] }, catalogue).classified).toBe(false);
        },
      ),
    );
  });
});
