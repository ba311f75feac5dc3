/**
 * The critical ingredients of the mixed 薬効分類 by their 7-character ingredient code, so that a YJ code,
 * 薬価基準収載医薬品コード or 一般名処方コード classifies without the drug catalogue
 * (docs/drug-classes.md, "Ingredient codes").
 *
 * In these codes the first 4 digits are the 薬効分類 and digits 5–7 the ingredient within it (and its
 * route: 001–399 oral, 400–699 injection, 700–999 external), so the first 7 characters name one
 * ingredient and route. Only ingredients whose products carry a flag are listed; any other code of a mixed
 * category still needs the catalogue (or stays unclassified), so a new critical ingredient can never
 * read as "no flag". The table was read off the MHLW price list of 2025-07-16 (a fact per code, not an
 * excerpt), and test/records/drug-price-list.test.ts checks it against every product of that list: each
 * flagged product of a mixed category is here with the catalogue's flags, and no entry gives a flag the
 * catalogue would not.
 */
import type { CriticalFlag } from '../summary/index.js';

const A: CriticalFlag = 'anticoagulant';
const P: CriticalFlag = 'antiplatelet';
const I: CriticalFlag = 'insulin';
const G: CriticalFlag = 'glucose-lowering';
const E: CriticalFlag = 'antiepileptic';
const O: CriticalFlag = 'opioid';
const X: CriticalFlag = 'immunosuppressant';

/** 7-character ingredient code → flags (ingredient, route where the category lists it under several). */
export const INGREDIENT_CODE_RULES: Readonly<Record<string, readonly CriticalFlag[]>> = {
  // 1125 バルビツール酸系
  '1125003': [E], // phenobarbital (oral)
  '1125004': [E], // phenobarbital (oral)
  '1125402': [E], // phenobarbital sodium (injection)
  '1125700': [E], // phenobarbital sodium (suppository)
  // 1143 サリチル酸系
  '1143001': [P], // aspirin (analgesic)
  // 1149 その他の解熱鎮痛消炎剤
  '1149034': [O], // pentazocine hydrochloride (oral)
  '1149038': [O], // tramadol
  '1149117': [O], // tramadol / acetaminophen
  '1149400': [O], // tramadol (injection)
  '1149401': [O], // pentazocine (injection)
  '1149403': [O], // buprenorphine (injection)
  '1149703': [O], // buprenorphine (suppository)
  '1149704': [O], // buprenorphine (patch)
  // 1169 その他の抗パーキンソン剤
  '1169015': [E], // zonisamide
  // 1190 その他の中枢神経系用薬
  '1190024': [X], // dimethyl fumarate
  '1190402': [X], // natalizumab
  '1190405': [X], // ofatumumab
  // 2171 冠血管拡張剤
  '2171010': [P], // dipyridamole (oral)
  '2171402': [P], // dipyridamole (injection)
  // 2190 その他の循環器官用薬
  '2190027': [P], // beraprost
  '2190408': [A], // argatroban
  // 2229 鎮咳去たん剤
  '2229101': [O], // antitussive combination with dihydrocodeine (鎮咳配合剤)
  '2229102': [O], // antitussive combination with dihydrocodeine (鎮咳配合剤)
  '2229114': [O], // diprophylline / dihydrocodeine
  // 2399 その他の消化器官用薬
  '2399018': [X], // carotegrast methyl
  '2399019': [X], // ozanimod
  '2399402': [X], // infliximab
  '2399403': [X], // infliximab biosimilar 1
  '2399404': [X], // infliximab biosimilar 2
  '2399405': [X], // vedolizumab
  '2399406': [X], // infliximab biosimilar 3
  '2399407': [X], // mirikizumab
  // 2492 すい臓ホルモン剤 (glucagon, 2492700, carries no flag)
  '2492403': [I], // insulin human
  '2492413': [I], // insulin human
  '2492414': [I], // insulin lispro
  '2492415': [I], // insulin aspart
  '2492416': [I], // insulin glargine
  '2492417': [I], // insulin detemir
  '2492418': [I], // insulin glulisine
  '2492419': [I], // insulin degludec
  '2492420': [I], // insulin glargine biosimilar 1
  '2492421': [I], // insulin glargine biosimilar 2
  '2492422': [I], // insulin lispro biosimilar 1
  '2492423': [I], // insulin aspart biosimilar 1
  '2492424': [I], // insulin icodec
  '2492500': [I], // insulin degludec / insulin aspart
  // 2499 その他のホルモン剤
  '2499014': [G], // semaglutide (oral)
  '2499410': [G], // liraglutide
  '2499416': [G], // dulaglutide
  '2499418': [G], // semaglutide (injection)
  '2499422': [G], // tirzepatide
  // 3399 その他の血液・体液用薬
  '3399001': [P], // ticlopidine
  '3399002': [P], // cilostazol
  '3399005': [P], // beraprost
  '3399006': [P], // sarpogrelate
  '3399007': [P], // aspirin (low-dose, enteric)
  '3399008': [P], // clopidogrel
  '3399009': [P], // prasugrel
  '3399011': [P], // ticagrelor
  '3399100': [P], // aspirin / dialuminate
  '3399101': [P], // clopidogrel / aspirin
  '3399102': [P], // aspirin / lansoprazole
  '3399103': [P], // aspirin / vonoprazan
  '3399415': [P], // caplacizumab
  // 3969 糖尿病用剤, injection (insulin + GLP-1 receptor agonist)
  '3969500': [I, G], // insulin degludec / liraglutide
  '3969501': [I, G], // insulin glargine / lixisenatide
  // 3999 他に分類されない代謝性医薬品
  '3999002': [X], // mizoribine
  '3999004': [X], // ciclosporin (oral)
  '3999005': [X], // azathioprine
  '3999014': [X], // tacrolimus (oral)
  '3999016': [X], // methotrexate (oral, rheumatology)
  '3999017': [X], // mycophenolate mofetil
  '3999020': [X], // leflunomide
  '3999022': [X], // everolimus
  '3999029': [X], // fingolimod
  '3999034': [X], // tofacitinib
  '3999042': [X], // apremilast
  '3999043': [X], // baricitinib
  '3999046': [X], // peficitinib
  '3999048': [X], // upadacitinib
  '3999051': [X], // siponimod
  '3999053': [X], // filgotinib
  '3999056': [X], // avacopan
  '3999057': [X], // deucravacitinib
  '3999060': [X], // ritlecitinib
  '3999062': [X], // danicopan
  '3999063': [X], // belumosudil
  '3999064': [X], // iptacopan
  '3999065': [X], // voclosporin
  '3999406': [X], // ciclosporin (injection)
  '3999411': [P], // ozagrel sodium (injection)
  '3999416': [X], // tacrolimus (injection)
  '3999417': [X], // gusperimus
  '3999424': [X], // etanercept
  '3999426': [X], // adalimumab
  '3999429': [X], // abatacept
  '3999431': [X], // ustekinumab
  '3999433': [X], // golimumab
  '3999434': [X], // canakinumab
  '3999437': [X], // certolizumab pegol
  '3999439': [X], // secukinumab
  '3999441': [X], // brodalumab
  '3999442': [X], // ixekizumab
  '3999444': [X], // sarilumab
  '3999445': [X], // belimumab
  '3999446': [X], // guselkumab
  '3999448': [X], // etanercept biosimilar 1
  '3999450': [X], // risankizumab
  '3999451': [X], // etanercept biosimilar 2
  '3999456': [X], // tildrakizumab
  '3999457': [X], // adalimumab biosimilar 1
  '3999459': [X], // adalimumab biosimilar 2
  '3999462': [X], // anifrolumab
  '3999463': [X], // adalimumab biosimilar 3
  '3999464': [X], // bimekizumab
  '3999466': [X], // spesolimab
  '3999467': [X], // ozoralizumab
  '3999468': [X], // methotrexate (injection, rheumatology)
  '3999470': [X], // pegcetacoplan
  '3999471': [X], // zilucoplan
  '3999472': [X], // adalimumab biosimilar 4
  '3999473': [X], // ustekinumab biosimilar 1
  '3999474': [X], // ustekinumab biosimilar 2
  '3999475': [X], // ustekinumab biosimilar 3
  // 4222 葉酸代謝拮抗剤
  '4222001': [X], // methotrexate (oral, oncology)
  '4222400': [X], // methotrexate (injection, oncology)
  // 4291 その他の腫瘍用薬
  '4291023': [X], // everolimus (oncology)
  '4291034': [X], // ruxolitinib
  '4291035': [X], // sirolimus
  // 4490 その他のアレルギー用薬
  '4490012': [P], // ozagrel hydrochloride (oral)
  '4490037': [X], // abrocitinib
  // 6399 その他の生物学的製剤
  '6399413': [X], // anti-human thymocyte immunoglobulin, equine
  '6399418': [X], // basiliximab
  '6399421': [X], // tocilizumab
  '6399423': [X], // anti-human thymocyte immunoglobulin, rabbit
  '6399424': [X], // eculizumab
  '6399427': [X], // ravulizumab
  '6399428': [X], // satralizumab
  '6399429': [X], // inebilizumab
  '6399430': [X], // efgartigimod alfa
  '6399431': [X], // sutimlimab
  '6399432': [X], // rozanolixizumab
  '6399433': [X], // crovalimab
  '6399501': [X], // efgartigimod alfa / vorhyaluronidase alfa
};

/** The flags of a code's ingredient code, when it is a listed critical ingredient. */
export const ingredientCodeFlags = (code: string): readonly CriticalFlag[] | undefined => {
  const key = code.slice(0, 7);
  return Object.hasOwn(INGREDIENT_CODE_RULES, key) ? INGREDIENT_CODE_RULES[key] : undefined;
};
