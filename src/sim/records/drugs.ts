/**
 * A curated table of real generic drugs as prescribed in Japan, for the synthetic population. Each has
 * its WHO ATC code and its 薬効分類 (the first four digits of its YJ codes, Japan Standard Commodity
 * Classification No. 87). The reference service emits the ATC coding and the Japanese name; YJ codes
 * themselves identify individual commercial products and are not invented here.
 */
export interface Drug {
  /** INN, as the ATC index names it. */
  readonly generic: string;
  /** Japanese name with strength and form, as on a prescription. */
  readonly ja: string;
  readonly atc: string;
  /** 薬効分類 (YJ code prefix). */
  readonly yjClass: string;
  /** Usual adult dosage text (用法・用量). */
  readonly dose: string;
  /**
   * A real YJ code (個別医薬品コード) of a product of this name and strength, from the MHLW
   * 薬価基準収載品目リスト (2025-07), where the population names one: the Japanese coding path.
   */
  readonly yj?: string;
}

const drug = (generic: string, ja: string, atc: string, yjClass: string, dose: string): Drug => ({
  generic,
  ja,
  atc,
  yjClass,
  dose,
});

export const DRUGS = {
  // Anticoagulants
  // 3332001F1016 ワルファリンカリウム錠 1mg (局), MHLW price list 2025-07.
  warfarin: {
    ...drug('warfarin', 'ワルファリンカリウム錠1mg', 'B01AA03', '3332', '1日1回 朝食後 2錠'),
    yj: '3332001F1016',
  },
  apixaban: drug('apixaban', 'アピキサバン錠5mg', 'B01AF02', '3339', '1日2回 朝夕食後 1錠'),
  rivaroxaban: drug('rivaroxaban', 'リバーロキサバン錠15mg', 'B01AF01', '3339', '1日1回 朝食後 1錠'),
  edoxaban: drug('edoxaban', 'エドキサバントシル酸塩水和物錠30mg', 'B01AF03', '3339', '1日1回 朝食後 1錠'),
  dabigatran: drug(
    'dabigatran etexilate',
    'ダビガトランエテキシラートメタンスルホン酸塩カプセル110mg',
    'B01AE07',
    '3339',
    '1日2回 朝夕食後 1カプセル',
  ),
  // Antiplatelets
  aspirin: drug('acetylsalicylic acid', 'アスピリン腸溶錠100mg', 'B01AC06', '3399', '1日1回 朝食後 1錠'),
  clopidogrel: drug('clopidogrel', 'クロピドグレル硫酸塩錠75mg', 'B01AC04', '3399', '1日1回 朝食後 1錠'),
  prasugrel: drug('prasugrel', 'プラスグレル塩酸塩錠3.75mg', 'B01AC22', '3399', '1日1回 朝食後 1錠'),
  cilostazol: drug('cilostazol', 'シロスタゾール錠100mg', 'B01AC23', '3399', '1日2回 朝夕食後 1錠'),
  // Insulins
  insulinGlargine: drug(
    'insulin glargine',
    'インスリン グラルギン注',
    'A10AE04',
    '2492',
    '1日1回 就寝前 10単位 皮下注',
  ),
  insulinAspart: drug(
    'insulin aspart',
    'インスリン アスパルト注',
    'A10AB05',
    '2492',
    '1日3回 毎食直前 4単位 皮下注',
  ),
  // Other glucose-lowering drugs
  metformin: drug('metformin', 'メトホルミン塩酸塩錠250mg', 'A10BA02', '3962', '1日2回 朝夕食後 2錠'),
  glimepiride: drug('glimepiride', 'グリメピリド錠1mg', 'A10BB12', '3961', '1日1回 朝食後 1錠'),
  sitagliptin: drug(
    'sitagliptin',
    'シタグリプチンリン酸塩水和物錠50mg',
    'A10BH01',
    '3969',
    '1日1回 朝食後 1錠',
  ),
  empagliflozin: drug('empagliflozin', 'エンパグリフロジン錠10mg', 'A10BK03', '3969', '1日1回 朝食後 1錠'),
  // Systemic corticosteroids
  prednisolone: drug('prednisolone', 'プレドニゾロン錠5mg', 'H02AB06', '2456', '1日1回 朝食後 1錠'),
  dexamethasone: drug('dexamethasone', 'デキサメタゾン錠0.5mg', 'H02AB02', '2454', '1日1回 朝食後 2錠'),
  // Antiepileptics
  levetiracetam: drug('levetiracetam', 'レベチラセタム錠500mg', 'N03AX14', '1139', '1日2回 朝夕食後 1錠'),
  valproate: drug(
    'valproic acid',
    'バルプロ酸ナトリウム徐放錠200mg',
    'N03AG01',
    '1139',
    '1日2回 朝夕食後 2錠',
  ),
  carbamazepine: drug('carbamazepine', 'カルバマゼピン錠200mg', 'N03AF01', '1139', '1日2回 朝夕食後 1錠'),
  lamotrigine: drug('lamotrigine', 'ラモトリギン錠25mg', 'N03AX09', '1139', '1日1回 朝食後 2錠'),
  phenytoin: drug('phenytoin', 'フェニトイン錠100mg', 'N03AB02', '1132', '1日3回 毎食後 1錠'),
  // Opioids
  oxycodone: drug('oxycodone', 'オキシコドン塩酸塩水和物徐放錠5mg', 'N02AA05', '8119', '1日2回 12時間毎 1錠'),
  morphine: drug('morphine', 'モルヒネ硫酸塩水和物徐放錠10mg', 'N02AA01', '8114', '1日2回 12時間毎 1錠'),
  fentanyl: drug('fentanyl', 'フェンタニル経皮吸収型製剤', 'N02AB03', '8219', '1日1回 貼付'),
  tramadol: drug('tramadol', 'トラマドール塩酸塩OD錠25mg', 'N02AX02', '1149', '1日4回 1錠'),
  // Immunosuppressants
  tacrolimus: drug('tacrolimus', 'タクロリムス水和物カプセル1mg', 'L04AD02', '3999', '1日2回 朝夕 1カプセル'),
  ciclosporin: drug('ciclosporin', 'シクロスポリンカプセル50mg', 'L04AD01', '3999', '1日2回 朝夕 1カプセル'),
  mycophenolate: drug(
    'mycophenolic acid',
    'ミコフェノール酸モフェチルカプセル250mg',
    'L04AA06',
    '3999',
    '1日2回 朝夕食後 2カプセル',
  ),
  methotrexate: drug(
    'methotrexate',
    'メトトレキサートカプセル2mg',
    'L04AX03',
    '3999',
    '週1回 朝夕 1カプセル',
  ),
  // Other common prescriptions
  amlodipine: drug('amlodipine', 'アムロジピンベシル酸塩錠5mg', 'C08CA01', '2171', '1日1回 朝食後 1錠'),
  losartan: drug('losartan', 'ロサルタンカリウム錠50mg', 'C09CA01', '2149', '1日1回 朝食後 1錠'),
  atorvastatin: drug(
    'atorvastatin',
    'アトルバスタチンカルシウム錠10mg',
    'C10AA05',
    '2189',
    '1日1回 夕食後 1錠',
  ),
  rosuvastatin: drug(
    'rosuvastatin',
    'ロスバスタチンカルシウム錠2.5mg',
    'C10AA07',
    '2189',
    '1日1回 夕食後 1錠',
  ),
  furosemide: drug('furosemide', 'フロセミド錠20mg', 'C03CA01', '2139', '1日1回 朝食後 1錠'),
  bisoprolol: drug('bisoprolol', 'ビソプロロールフマル酸塩錠2.5mg', 'C07AB07', '2123', '1日1回 朝食後 1錠'),
  lansoprazole: drug('lansoprazole', 'ランソプラゾールOD錠15mg', 'A02BC03', '2329', '1日1回 朝食後 1錠'),
  famotidine: drug('famotidine', 'ファモチジン錠20mg', 'A02BA03', '2325', '1日2回 朝夕食後 1錠'),
  magnesiumOxide: drug('magnesium oxide', '酸化マグネシウム錠330mg', 'A06AD02', '2344', '1日3回 毎食後 1錠'),
  levothyroxine: drug(
    'levothyroxine sodium',
    'レボチロキシンナトリウム錠50μg',
    'H03AA01',
    '2431',
    '1日1回 朝食後 1錠',
  ),
  donepezil: drug('donepezil', 'ドネペジル塩酸塩OD錠5mg', 'N06DA02', '1190', '1日1回 朝食後 1錠'),
  paracetamol: drug('paracetamol', 'アセトアミノフェン錠200mg', 'N02BE01', '1141', '疼痛時 2錠'),
  zolpidem: drug('zolpidem', 'ゾルピデム酒石酸塩錠5mg', 'N05CF02', '1129', '1日1回 就寝前 1錠'),
  tamsulosin: drug('tamsulosin', 'タムスロシン塩酸塩OD錠0.2mg', 'G04CA02', '2590', '1日1回 朝食後 1錠'),
  tiotropium: drug(
    'tiotropium bromide',
    'チオトロピウム臭化物水和物吸入用',
    'R03BB04',
    '2259',
    '1日1回 2吸入',
  ),
} as const satisfies Readonly<Record<string, Drug>>;

export type DrugKey = keyof typeof DRUGS;

export const ALL_DRUGS: readonly Drug[] = Object.values(DRUGS);
