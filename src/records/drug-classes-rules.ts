/**
 * The class rules behind the critical medication flags (docs/drug-classes.md gives each rule's source).
 * Pure data and pure look-ups, three tables:
 * - ATC_RULES: WHO ATC/DDD index groups (the most specific listed group of a code decides);
 * - CATEGORY_RULES: 薬効分類 (日本標準商品分類 No. 87, the first 3–4 digits of the 薬価基準収載医薬品コード,
 *   YJ code and 一般名処方コード), optionally per route (digits 5–7 of the code: 001–399 oral, 400–699
 *   injection, 700–999 external);
 * - INGREDIENT_RULES: for the categories that mix critical and other drugs, the ingredient (成分名) decides.
 */
import type { CriticalFlag } from '../summary/index.js';

/** Route as the code itself says it (digits 5–7). */
export type CodeRoute = 'oral' | 'injection' | 'external';

export const routeOfCode = (code: string): CodeRoute | undefined => {
  const digits = code.slice(4, 7);
  if (!/^[0-9]{3}$/.test(digits)) return undefined;
  const n = Number(digits);
  return n < 400 ? 'oral' : n < 700 ? 'injection' : 'external';
};

const A: CriticalFlag = 'anticoagulant';
const P: CriticalFlag = 'antiplatelet';
const I: CriticalFlag = 'insulin';
const G: CriticalFlag = 'glucose-lowering';
const S: CriticalFlag = 'systemic-steroid';
const E: CriticalFlag = 'antiepileptic';
const O: CriticalFlag = 'opioid';
const X: CriticalFlag = 'immunosuppressant';

/**
 * ATC group → flags. A code takes the flags of its most specific listed group (so an exception such as
 * R05DA09 dextromethorphan overrides R05DA). Groups not listed and not under a listed group carry no
 * critical flag.
 */
export const ATC_RULES: Readonly<Record<string, readonly CriticalFlag[]>> = {
  B01AA: [A], // vitamin K antagonists (warfarin)
  B01AB: [A], // heparin group
  B01AE: [A], // direct thrombin inhibitors (dabigatran, argatroban)
  B01AF: [A], // direct factor Xa inhibitors
  B01AX: [A], // other antithrombotics: fondaparinux, defibrotide, dermatan sulfate ...
  B01AX07: [P], // caplacizumab (anti-vWF: blocks platelet adhesion)
  B01AC: [P], // platelet aggregation inhibitors excl. heparin
  N02BA01: [P], // aspirin as analgesic: irreversible platelet COX-1 inhibition at any dose
  N02BA51: [P], // aspirin combinations excl. psycholeptics
  N02BA71: [P], // aspirin combinations with psycholeptics
  A10A: [I], // insulins and analogues
  A10AE54: [I, G], // insulin glargine and lixisenatide
  A10AE56: [I, G], // insulin degludec and liraglutide
  A10B: [G], // blood glucose lowering drugs excl. insulins
  H02A: [S], // corticosteroids for systemic use, plain (H02C antiadrenal preparations are not steroids)
  H02B: [S], // corticosteroids for systemic use, combinations
  N03: [E], // antiepileptics (gabapentinoids moved to N02BF in 2023 and are not flagged)
  N01AH: [O], // opioid anaesthetics (fentanyl, remifentanil)
  N02A: [O], // opioids
  R05DA: [O], // opium alkaloids and derivatives (codeine, dihydrocodeine)
  R05DA07: [], // noscapine: no opioid-receptor action
  R05DA09: [], // dextromethorphan: no opioid-receptor agonism at therapeutic doses
  N07BC: [O], // drugs used in opioid dependence (buprenorphine, methadone)
  N07BC04: [], // lofexidine: an alpha-2 agonist
  L04: [X], // immunosuppressants
  L01BA01: [X], // methotrexate (oncology): flagged like L04AX03, whatever the indication
  L01EG02: [X], // everolimus (oncology): the mTOR inhibitor of L04AH02
  D11AH08: [X], // abrocitinib: an oral JAK inhibitor like L04AF
  L01EJ01: [X], // ruxolitinib: a JAK1/2 inhibitor, also for graft-versus-host disease
};

export type CategoryRule =
  | { readonly prefix: string; readonly route?: CodeRoute; readonly flags: readonly CriticalFlag[] }
  | { readonly prefix: string; readonly route?: CodeRoute; readonly mixed: true };

/**
 * 薬効分類 → flags, or `mixed` (the ingredient decides). The most specific rule wins: the longer prefix,
 * then a route rule over one without. A category without a rule holds no critical drug (checked against
 * every product of the MHLW price list by test/records/drug-price-list.test.ts).
 */
export const CATEGORY_RULES: readonly CategoryRule[] = [
  { prefix: '113', flags: [E] }, // 抗てんかん剤
  { prefix: '1125', mixed: true }, // バルビツール酸系: phenobarbital among hypnotics
  { prefix: '1143', mixed: true }, // サリチル酸系: aspirin among salicylates
  { prefix: '1149', mixed: true }, // その他の解熱鎮痛消炎剤: tramadol, pentazocine, buprenorphine among NSAIDs
  { prefix: '1169', mixed: true }, // その他の抗パーキンソン剤: zonisamide
  { prefix: '1190', mixed: true }, // その他の中枢神経系用薬: MS immunosuppressants among others
  { prefix: '2171', mixed: true }, // 冠血管拡張剤: dipyridamole among vasodilators
  { prefix: '2190', mixed: true }, // その他の循環器官用薬: argatroban, beraprost among others
  { prefix: '2229', mixed: true }, // 鎮咳去たん剤: dihydrocodeine combinations among others
  { prefix: '2242', flags: [O] }, // あへんアルカロイド系鎮咳剤 (codeine, dihydrocodeine 1% and 10%)
  { prefix: '2399', mixed: true }, // その他の消化器官用薬: IBD biologics among others
  { prefix: '245', flags: [S] }, // 副腎ホルモン剤 (corticosteroids, every route: rectal ones act systemically)
  { prefix: '2451', flags: [] }, // 副腎髄質ホルモン剤 (adrenaline, noradrenaline)
  { prefix: '2492', mixed: true }, // すい臓ホルモン剤: insulins; glucagon raises glucose
  { prefix: '2499', mixed: true }, // その他のホルモン剤: GLP-1 receptor agonists among others
  { prefix: '333', flags: [A] }, // 血液凝固阻止剤
  { prefix: '3339', route: 'external', flags: [] }, // ヘパリン類似物質 skin preparations
  { prefix: '3399', mixed: true }, // その他の血液・体液用薬: antiplatelets among others
  { prefix: '396', flags: [G] }, // 糖尿病用剤
  { prefix: '3969', route: 'injection', mixed: true }, // insulin/GLP-1 combinations
  { prefix: '3999', mixed: true }, // 他に分類されない代謝性医薬品: immunosuppressants among others
  { prefix: '4222', mixed: true }, // 葉酸代謝拮抗剤: methotrexate
  { prefix: '4291', mixed: true }, // その他の腫瘍用薬: mTOR inhibitors among antineoplastics
  { prefix: '4490', mixed: true }, // その他のアレルギー用薬: abrocitinib, ozagrel among antiallergics
  { prefix: '6399', mixed: true }, // その他の生物学的製剤: immunosuppressive antibodies among others
  { prefix: '811', flags: [O] }, // あへんアルカロイド系麻薬
  { prefix: '821', flags: [O] }, // 合成麻薬
];

export interface IngredientRule {
  /** Normalised (normaliseDrugName) start of the ingredient name; salts and suffixes may follow. */
  readonly stem: string;
  readonly flags: readonly CriticalFlag[];
  /** Only these routes (default: every route). */
  readonly routes?: readonly CodeRoute[];
}

const rules = (
  flags: readonly CriticalFlag[],
  stems: string,
  routes?: readonly CodeRoute[],
): IngredientRule[] =>
  stems
    .trim()
    .split(/\s+/)
    .map((stem) => (routes === undefined ? { stem, flags } : { stem, flags, routes }));

const SYSTEMIC: readonly CodeRoute[] = ['oral', 'injection'];

/**
 * Ingredients that carry a flag inside a mixed category (and the few that must not, where a flagged
 * stem would otherwise match: ヘパリン類似物質). The longest matching stem decides.
 */
export const INGREDIENT_RULES: readonly IngredientRule[] = [
  ...rules(
    [A],
    `ワルファリン ヘパリン エノキサパリン ダルテパリン パルナパリン ダナパロイド フォンダパリヌクス
     アピキサバン リバーロキサバン エドキサバン ダビガトラン アルガトロバン トロンボモデュリン`,
  ),
  ...rules([], 'ヘパリン類似物質'),
  ...rules(
    [P],
    `アスピリン クロピドグレル プラスグレル チクロピジン チカグレロル シロスタゾール サルポグレラート
     ジピリダモール ベラプロスト オザグレル カプラシズマブ`,
  ),
  ...rules([I], 'インスリン'),
  ...rules([G], 'セマグルチド リラグルチド デュラグルチド チルゼパチド エキセナチド リキシセナチド'),
  ...rules(
    [S],
    `プレドニゾロン メチルプレドニゾロン デキサメタゾン ベタメタゾン ヒドロコルチゾン コルチゾン
     トリアムシノロン フルドロコルチゾン`,
    SYSTEMIC,
  ),
  ...rules([E], 'フェノバルビタール ゾニサミド'),
  ...rules(
    [O],
    `トラマドール ペンタゾシン ブプレノルフィン ブトルファノール エプタゾシン コデイン ジヒドロコデイン
     鎮咳配合剤 モルヒネ オキシコドン フェンタニル タペンタドール メサドン`,
  ),
  ...rules(
    [X],
    `タクロリムス シクロスポリン ボクロスポリン ミコフェノール酸 アザチオプリン ミゾリビン エベロリムス
     シロリムス レフルノミド テリフルノミド メトトレキサート グスペリムス トファシチニブ バリシチニブ
     ウパダシチニブ フィルゴチニブ ペフィシチニブ デュークラバシチニブ リトレシチニブ アブロシチニブ
     アプレミラスト フィンゴリモド シポニモド オザニモド ポネシモド フマル酸ジメチル カロテグラスト
     ベルモスジル アバコパン イプタコパン ダニコパン ペグセタコプラン ジルコプラン エクリズマブ
     ラブリズマブ クロバリマブ スチムリマブ アダリムマブ インフリキシマブ エタネルセプト ゴリムマブ
     セルトリズマブ オゾラリズマブ トシリズマブ サリルマブ サトラリズマブ アバタセプト ウステキヌマブ
     セクキヌマブ イキセキズマブ ブロダルマブ ビメキズマブ グセルクマブ リサンキズマブ チルドラキズマブ
     ミリキズマブ カナキヌマブ スペソリマブ アニフロルマブ ベリムマブ ナタリズマブ ベドリズマブ
     オファツムマブ イネビリズマブ バシリキシマブ 抗ヒト胸腺細胞 エフガルチギモド ロザノリキシズマブ
     ルキソリチニブ`,
    SYSTEMIC,
  ),
];
