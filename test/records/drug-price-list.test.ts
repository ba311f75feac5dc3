/**
 * The class rules against EVERY product of the MHLW 薬価基準収載品目リスト (2025-07-16 copy, read from
 * ../shared at test time; never copied into the repository). Expectations come from
 * docs/drug-classes.md, not from the list.
 */
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  GENERAL_NAME_CODE_SYSTEMS,
  INGREDIENT_CODE_RULES,
  PRICE_CODE_SYSTEMS,
  YJ_SYSTEM,
  YJ_SYSTEMS,
  classifyDrug,
  classifyProduct,
  loadDrugCatalogue,
  normaliseDrugName,
  reviewFingerprint,
  type CatalogueProduct,
  type DrugCatalogue,
  type DrugClassification,
} from '../../src/records/index.js';
import { type CriticalFlag } from '../../src/summary/index.js';
import { ROOT } from '../support/paths.js';

const LIST = `${ROOT}../shared/data/mhlw-price-list/20250716.csv`;

/** Flags per 薬効分類 (docs/drug-classes.md); '-' is "no flag". Every other category: no flag. */
const GROUP_FLAGS = {
  '1125': '- antiepileptic',
  '1131': 'antiepileptic',
  '1132': 'antiepileptic',
  '1133': 'antiepileptic',
  '1135': 'antiepileptic',
  '1137': 'antiepileptic',
  '1139': 'antiepileptic',
  '1143': '- antiplatelet',
  '1149': '- opioid',
  '1169': '- antiepileptic',
  '1190': '- immunosuppressant',
  '2171': '- antiplatelet',
  '2190': '- anticoagulant antiplatelet',
  '2229': '- opioid',
  '2242': 'opioid',
  '2399': '- immunosuppressant',
  '2452': 'systemic-steroid',
  '2454': 'systemic-steroid',
  '2456': 'systemic-steroid',
  '2459': 'systemic-steroid',
  '2492': '- insulin',
  '2499': '- glucose-lowering',
  '3331': 'anticoagulant',
  '3332': 'anticoagulant',
  '3334': 'anticoagulant',
  '3339': '- anticoagulant',
  '3399': '- antiplatelet',
  '3961': 'glucose-lowering',
  '3962': 'glucose-lowering',
  '3969': 'glucose-lowering insulin+glucose-lowering',
  '3999': '- antiplatelet immunosuppressant',
  '4222': 'immunosuppressant',
  '4291': '- immunosuppressant',
  '4490': '- antiplatelet immunosuppressant',
  '6399': '- immunosuppressant',
  '8112': 'opioid',
  '8113': 'opioid',
  '8114': 'opioid',
  '8115': 'opioid',
  '8119': 'opioid',
  '8211': 'opioid',
  '8219': 'opioid',
};

const label = (flags: readonly CriticalFlag[]): string => (flags.length === 0 ? '-' : flags.join('+'));

describe.skipIf(!existsSync(LIST))('the class rules against every product of the MHLW price list', () => {
  let catalogue: DrugCatalogue;
  let classified: Map<CatalogueProduct, DrugClassification>;
  beforeAll(() => {
    const loaded = loadDrugCatalogue(LIST);
    if (!loaded.ok) throw new Error(loaded.error.message);
    catalogue = loaded.value;
    classified = new Map(catalogue.products.map((p) => [p, classifyProduct(p, catalogue)]));
  });

  it('loads all 12,434 products', () => {
    expect(catalogue.products).toHaveLength(12_434);
  });

  it('classifies every product, deterministically', () => {
    const unreviewed = new Set<string>();
    for (const [product, c] of classified) {
      expect(classifyProduct(product, catalogue)).toEqual(c);
      if (!c.classified) {
        const category = product.code.slice(0, 4);
        unreviewed.add(
          `${category} ${reviewFingerprint(category, product.ingredient)} ${product.ingredient}`,
        );
      }
    }
    expect([...unreviewed].sort()).toEqual([]);
  });

  it('gives each 薬効分類 exactly the flags docs/drug-classes.md lists', () => {
    const groups = new Map<string, Set<string>>();
    for (const [product, c] of classified) {
      const category = product.code.slice(0, 4);
      const set = groups.get(category) ?? new Set<string>();
      set.add(label(c.flags));
      groups.set(category, set);
    }
    const found: Record<string, string> = {};
    for (const category of [...groups.keys()].sort()) {
      const flags = [...(groups.get(category) ?? [])].sort();
      if (flags.some((f) => f !== '-')) found[category] = flags.join(' ');
    }
    expect(found).toEqual(GROUP_FLAGS);
  });

  const byName = (...names: string[]) => classifyDrug({ codings: [], names }, catalogue);
  const byCode = (system: string, code: string) =>
    classifyDrug({ codings: [{ system, code }], names: [] }, catalogue);

  it.each([
    ['エリキュース錠５ｍｇ', ['anticoagulant']], // apixaban
    ['イグザレルト錠１５ｍｇ', ['anticoagulant']], // rivaroxaban
    ['リクシアナ錠３０ｍｇ', ['anticoagulant']], // edoxaban
    ['プラザキサカプセル１１０ｍｇ', ['anticoagulant']], // dabigatran
    ['ワルファリンカリウム', ['anticoagulant']],
    ['ヘパリンナトリウム', ['anticoagulant']],
    ['プラビックス錠７５ｍｇ', ['antiplatelet']], // clopidogrel
    ['エフィエント錠３．７５ｍｇ', ['antiplatelet']], // prasugrel
    ['シロスタゾール', ['antiplatelet']],
    ['アスピリン１００ｍｇ腸溶錠', ['antiplatelet']], // low-dose aspirin (3399)
    ['アスピリン「ヨシダ」', ['antiplatelet']], // analgesic aspirin (1143): still irreversible COX-1 inhibition
    ['コンプラビン配合錠', ['antiplatelet']],
    ['ランタス注ソロスター', ['insulin']], // insulin glargine
    ['ゾルトファイ配合注　フレックスタッチ', ['insulin', 'glucose-lowering']],
    ['メトグルコ錠２５０ｍｇ', ['glucose-lowering']], // metformin
    ['ジャディアンス錠１０ｍｇ', ['glucose-lowering']], // SGLT2
    ['ジャヌビア錠５０ｍｇ', ['glucose-lowering']], // DPP-4
    ['オゼンピック皮下注２ｍｇ', ['glucose-lowering']], // GLP-1 (2499)
    ['リベルサス錠３ｍｇ', ['glucose-lowering']], // oral semaglutide (2499)
    ['デカドロン錠０．５ｍｇ', ['systemic-steroid']],
    ['ソル・メドロール静注用４０ｍｇ', ['systemic-steroid']],
    ['プレドネマ注腸２０ｍｇ', ['systemic-steroid']], // rectal prednisolone acts systemically
    ['リンデロン－ＶＧ軟膏０．１２％', []], // topical steroid (2647)
    ['エピペン注射液０．３ｍｇ', []], // adrenaline (2451), not a steroid
    ['イーケプラ錠５００ｍｇ', ['antiepileptic']], // levetiracetam
    ['デパケンＲ錠２００ｍｇ', ['antiepileptic']], // valproate
    ['テグレトール錠２００ｍｇ', ['antiepileptic']], // carbamazepine
    ['アレビアチン錠１００ｍｇ', ['antiepileptic']], // phenytoin
    ['トレリーフＯＤ錠２５ｍｇ', ['antiepileptic']], // zonisamide for Parkinson's (1169)
    ['ＭＳコンチン錠１０ｍｇ', ['opioid']], // morphine
    ['オキシコンチンＴＲ錠５ｍｇ', ['opioid']], // oxycodone
    ['デュロテップＭＴパッチ２．１ｍｇ', ['opioid']], // fentanyl patch
    ['トラマールＯＤ錠２５ｍｇ', ['opioid']], // tramadol (1149)
    ['コデインリン酸塩散１％', ['opioid']], // codeine 1% (2242)
    ['プログラフカプセル１ｍｇ', ['immunosuppressant']], // tacrolimus
    ['ネオーラル２５ｍｇカプセル', ['immunosuppressant']], // ciclosporin
    ['リウマトレックスカプセル２ｍｇ', ['immunosuppressant']], // methotrexate, rheumatology (3999)
    ['メソトレキセート錠２．５ｍｇ', ['immunosuppressant']], // methotrexate, oncology (4222)
    ['セルセプトカプセル２５０', ['immunosuppressant']], // mycophenolate
    ['アザチオプリン', ['immunosuppressant']],
    ['プロトピック軟膏０．１％', []], // topical tacrolimus (2699)
    ['ヒルドイドソフト軟膏０．３％', []], // heparinoid skin cream (3339 external)
  ] as const)('%s → %j', (name, flags) => {
    expect(byName(name)).toMatchObject({ classified: true, flags });
  });

  it('matches names whatever their width, spacing, maker suffix or 【般】 mark', () => {
    expect(byName('ｴﾘｷｭｰｽ錠 5mg')).toMatchObject({ classified: true, flags: ['anticoagulant'] });
    expect(byName('【般】クロピドグレル錠75mg')).toMatchObject({ classified: true, flags: ['antiplatelet'] });
    expect(byName('コデインリン酸塩散1%「どこかの会社」')).toMatchObject({
      classified: true,
      flags: ['opioid'],
    });
  });

  it('never classifies a lookalike name: a strength, form or letter that no product has', () => {
    for (const name of [
      'エリキュース錠50mg',
      'エリキュース錠',
      'エリキュース',
      'プラビックス錠7.5mg',
      'ヘパリン',
      'ワーファリン錠1mg',
    ]) {
      expect(byName(name).classified, name).toBe(false);
    }
    // An ingredient named alone may be a tablet or an ointment: different classes, not classified.
    expect(byName('プレドニゾロン')).toMatchObject({ classified: false, flags: ['systemic-steroid'] });
  });

  it('resolves mixed 薬効分類 through the catalogue by YJ, price and 一般名処方 codes', () => {
    const clopidogrel = catalogue.products.find((p) => p.name === 'プラビックス錠７５ｍｇ');
    expect(clopidogrel).toBeDefined();
    const code = clopidogrel?.code ?? '';
    for (const system of [...YJ_SYSTEMS, ...PRICE_CODE_SYSTEMS]) {
      expect(byCode(system, code)).toEqual({
        classified: true,
        flags: ['antiplatelet'],
        basis: 'ingredient:クロピドグレル',
      });
    }
    expect(byCode(GENERAL_NAME_CODE_SYSTEMS[0] ?? '', `${code.slice(0, 9)}ZZZ`)).toMatchObject({
      classified: true,
      flags: ['antiplatelet'],
    });
    // Without the catalogue its ingredient code (3399008, clopidogrel) places it; limaprost's does not.
    expect(classifyDrug({ codings: [{ system: YJ_SYSTEM, code }], names: [] })).toEqual({
      classified: true,
      flags: ['antiplatelet'],
      basis: 'ingredient-code:3399008',
    });
    const limaprost = catalogue.products.find((p) => p.code.startsWith('3399003'));
    expect(limaprost?.ingredient).toContain('リマプロスト');
    expect(
      classifyDrug({ codings: [{ system: YJ_SYSTEM, code: limaprost?.code }], names: [] }),
    ).toMatchObject({ classified: false });
  });

  it('classifies every flagged product of a mixed 薬効分類 by its code alone, as the catalogue does', () => {
    const codings = (code: string) => [
      ...[...YJ_SYSTEMS, ...PRICE_CODE_SYSTEMS].map((system) => ({ system, code })),
      ...GENERAL_NAME_CODE_SYSTEMS.map((system) => ({ system, code: `${code.slice(0, 9)}ZZZ` })),
    ];
    let flagged = 0;
    for (const [product, c] of classified) {
      // The catalogue path decides a mixed 薬効分類 by ingredient (basis ingredient: or reviewed:).
      const mixed = c.classified && !c.basis.startsWith('yj:');
      for (const coding of codings(product.code)) {
        const alone = classifyDrug({ codings: [coding], names: [] });
        // Never a flag the catalogue does not give (by the product's own ingredient).
        if (alone.flags.length > 0) expect(alone.flags, product.code).toEqual(c.flags);
        if (mixed && c.flags.length > 0) {
          expect(alone, `${product.code} ${product.ingredient}`).toMatchObject({
            classified: true,
            flags: c.flags,
          });
        }
      }
      if (mixed && c.flags.length > 0) flagged += 1;
    }
    expect(flagged).toBe(576);
  });

  it('lists only ingredient codes of mixed 薬効分類 that name flagged products of the list', () => {
    for (const [prefix, flags] of Object.entries(INGREDIENT_CODE_RULES)) {
      const products = catalogue.products.filter((p) => p.code.startsWith(prefix));
      expect(products.length, prefix).toBeGreaterThan(0);
      for (const p of products) {
        const c = classifyProduct(p, catalogue);
        expect(c, `${prefix} ${p.ingredient}`).toMatchObject({ classified: true, flags });
        if (c.classified) expect(c.basis, prefix).toMatch(/^ingredient:/u);
      }
    }
  });

  it('keeps the catalogue consistent: every product by its code and its normalised name', () => {
    for (const product of catalogue.products) {
      expect(catalogue.byCode.get(product.code)?.code).toBe(product.code);
      expect(catalogue.byName.get(normaliseDrugName(product.name))).toContain(product);
    }
  });
});
