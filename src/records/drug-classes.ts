/**
 * Critical medication flags: classification of one medication from its codings and names
 * (docs/drug-classes.md gives every rule and its source). Pure; the rules are drug-classes-rules.ts and
 * drug-classes-ingredient-codes.ts, the MHLW price list is drug-classes-catalogue.ts.
 */
import { CRITICAL_FLAGS, type CriticalFlag } from '../summary/index.js';
import type { CatalogueProduct, DrugCatalogue } from './drug-classes-catalogue.js';
import { ingredientCodeFlags } from './drug-classes-ingredient-codes.js';
import { drugNameKeys, normaliseDrugName } from './drug-classes-names.js';
import { isReviewed } from './drug-classes-reviewed.js';
import {
  ATC_RULES,
  CATEGORY_RULES,
  INGREDIENT_RULES,
  routeOfCode,
  type CategoryRule,
  type IngredientRule,
} from './drug-classes-rules.js';

/** WHO ATC/DDD index. */
export const ATC_SYSTEM = 'http://www.whocc.no/atc';
/** YJ code (個別医薬品コード), as JP Core names it. */
export const YJ_SYSTEM = 'urn:oid:1.2.392.100495.20.1.73';

/**
 * Japanese drug codes whose first four digits are the 薬効分類 and digits 5–7 the ingredient and route,
 * under every system URI in use (JP Core, JP-CLINS, the e-prescription IG and the JAMI OID table):
 * YJ codes, 薬価基準収載医薬品コード, and the MHLW 一般名処方コード (its first 9 characters follow the
 * YJ pattern, e.g. 1124030F2ZZZ).
 */
export const YJ_SYSTEMS: readonly string[] = [
  YJ_SYSTEM,
  'urn:oid:1.2.392.100495.20.2.73',
  'http://capstandard.jp/iyaku.info/CodeSystem/YJ-code',
];
export const PRICE_CODE_SYSTEMS: readonly string[] = ['urn:oid:1.2.392.100495.20.2.72'];
export const GENERAL_NAME_CODE_SYSTEMS: readonly string[] = [
  'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationGeneralOrderCode',
  'urn:oid:1.2.392.100495.20.1.81',
  'urn:oid:1.2.392.100495.20.2.81',
];
/**
 * Codes that do not carry the class (MEDIS HOT codes, the レセプト電算 医薬品コード): such a drug is
 * classified through the price list by its name, or reported unclassified.
 */
export const NAME_ONLY_SYSTEMS: readonly string[] = [
  'urn:oid:1.2.392.200119.4.403.1', // HOT9 (MEDIS)
  'urn:oid:1.2.392.100495.20.2.74', // HOT9 (JAMI OID table)
  'http://medis.or.jp/CodeSystem/master-HOT7',
  'http://medis.or.jp/CodeSystem/master-HOT9',
  'http://medis.or.jp/CodeSystem/master-HOT13',
  'urn:oid:1.2.392.100495.20.2.71', // 医薬品コード (レセプト電算処理システム)
];

export interface CodeRef {
  readonly system?: string | undefined;
  readonly code?: string | undefined;
}

export interface DrugInput {
  readonly codings: readonly CodeRef[];
  /** Product or ingredient names (coding displays, CodeableConcept.text), matched against the catalogue. */
  readonly names: readonly string[];
}

/**
 * `classified: true`: we know with confidence which critical classes (possibly none) apply; `basis`
 * names the deciding rule(s), e.g. `atc:B01AA`, `yj:3332`, `ingredient:クロピドグレル`.
 * `classified: false`: the drug could not be placed; `flags` still holds what was found.
 */
export type DrugClassification =
  | { readonly classified: true; readonly flags: readonly CriticalFlag[]; readonly basis: string }
  | { readonly classified: false; readonly flags: readonly CriticalFlag[]; readonly why: string };

type Placed = { readonly ok: true; readonly flags: readonly CriticalFlag[]; readonly basis: string };
type NotPlaced = { readonly ok: false; readonly flags: readonly CriticalFlag[]; readonly why: string };
type Outcome = Placed | NotPlaced;

const placed = (flags: readonly CriticalFlag[], basis: string): Placed => ({ ok: true, flags, basis });
const notPlaced = (why: string, flags: readonly CriticalFlag[] = []): NotPlaced => ({
  ok: false,
  flags,
  why,
});

const inCrewOrder = (flags: Iterable<CriticalFlag>): readonly CriticalFlag[] => {
  const found = new Set(flags);
  return CRITICAL_FLAGS.filter((flag) => found.has(flag));
};

/** All outcomes must be placed and agree (the same flags) for the whole to be placed. */
const agree = (outcomes: readonly Outcome[], what: string): Outcome => {
  const first = outcomes[0];
  if (first === undefined) return notPlaced(`${what}: nothing to classify`);
  const flags = inCrewOrder(outcomes.flatMap((o) => o.flags));
  const failed = outcomes.find((o) => !o.ok);
  if (failed !== undefined) return notPlaced(failed.why, flags);
  if (
    outcomes.some(
      (o) => o.flags.length !== first.flags.length || o.flags.some((f) => !first.flags.includes(f)),
    )
  ) {
    return notPlaced(`${what} match drugs of different classes`, flags);
  }
  return placed(first.flags, [...new Set(outcomes.map((o) => (o.ok ? o.basis : '')))].join(' '));
};

// ---- ATC ----------------------------------------------------------------------------------------

const ATC_LEVELS = [
  /^[A-Z]$/,
  /^[A-Z][0-9]{2}$/,
  /^[A-Z][0-9]{2}[A-Z]$/,
  /^[A-Z][0-9]{2}[A-Z]{2}$/,
  /^[A-Z][0-9]{2}[A-Z]{2}[0-9]{2}$/,
];
const ATC_GROUPS = Object.keys(ATC_RULES);

const classifyAtc = (code: string): Outcome => {
  if (!ATC_LEVELS.some((level) => level.test(code))) return notPlaced(`not an ATC code: ${code}`);
  const governing = ATC_GROUPS.filter((g) => code.startsWith(g)).sort((a, b) => b.length - a.length)[0];
  // A group code above a listed subgroup (B01A holds anticoagulants and antiplatelets) is not placed.
  const split = ATC_GROUPS.some((g) => g.length > code.length && g.startsWith(code));
  if (split && code.length < 7) {
    const flags = governing === undefined ? [] : (ATC_RULES[governing] ?? []);
    return notPlaced(`ATC group ${code} holds drugs of different classes`, flags);
  }
  return governing === undefined
    ? placed([], `atc:${code.slice(0, 5)}`)
    : placed(ATC_RULES[governing] ?? [], `atc:${governing}`);
};

// ---- 薬効分類 and ingredient ---------------------------------------------------------------------

const JP_CODE = /^[0-9]{7}/;

const categoryRule = (code: string): CategoryRule | undefined => {
  const route = routeOfCode(code);
  const fitting = CATEGORY_RULES.filter(
    (r) => code.startsWith(r.prefix) && (r.route === undefined || r.route === route),
  );
  return fitting.sort(
    (a, b) =>
      b.prefix.length - a.prefix.length || Number(b.route !== undefined) - Number(a.route !== undefined),
  )[0];
};

const INGREDIENT_STEMS = [...INGREDIENT_RULES].sort((a, b) => b.stem.length - a.stem.length);

/** Older listings name the salt first (塩酸ペンタゾシン, リン酸コデイン). */
const SALT_FIRST = /^(塩酸|硫酸|リン酸|酒石酸|クエン酸|臭化水素酸|マレイン酸|メシル酸|酢酸)/;

const ingredientRule = (part: string): IngredientRule | undefined =>
  INGREDIENT_STEMS.find((r) => part.startsWith(r.stem) || part.replace(SALT_FIRST, '').startsWith(r.stem));

/** One ingredient (possibly a combination: parts joined by ・) of a product in a mixed category. */
const classifyIngredient = (category: string, code: string, ingredient: string): Outcome => {
  const route = routeOfCode(code);
  const parts = normaliseDrugName(ingredient).split('・');
  const flags: CriticalFlag[] = [];
  const bases: string[] = [];
  for (const part of parts) {
    const rule = ingredientRule(part);
    if (rule !== undefined) {
      if (rule.routes === undefined || (route !== undefined && rule.routes.includes(route)))
        flags.push(...rule.flags);
      bases.push(`ingredient:${rule.stem}`);
    }
  }
  if (bases.length === 0) {
    // No part is known: placed (no flag) only if this category's whole membership was reviewed.
    if (!isReviewed(category, ingredient)) {
      return notPlaced(`薬効分類 ${category} mixes classes and ${ingredient} has not been reviewed`);
    }
    return placed([], `reviewed:${category}`);
  }
  return placed(inCrewOrder(flags), bases.join(' '));
};

const productsOfCode = (code: string, catalogue: DrugCatalogue | undefined): readonly CatalogueProduct[] => {
  if (catalogue === undefined) return [];
  const exact = catalogue.byCode.get(code);
  if (exact !== undefined) return [exact];
  // A YJ code of a unified-name product or a 一般名処方コード: same ingredient and route (7 characters).
  return catalogue.byIngredientCode.get(code.slice(0, 7)) ?? [];
};

const classifyJapanese = (code: string, catalogue: DrugCatalogue | undefined): Outcome => {
  if (!JP_CODE.test(code)) return notPlaced(`not a Japanese drug code: ${code}`);
  const category = code.slice(0, 4);
  const rule = categoryRule(code);
  if (rule === undefined) return placed([], `yj:${category}`);
  if (!('mixed' in rule)) return placed(rule.flags, `yj:${rule.prefix}`);
  const products = productsOfCode(code, catalogue);
  if (products.length === 0) {
    // The code names its ingredient (digits 5–7): a critical one is known without the catalogue.
    const flags = ingredientCodeFlags(code);
    if (flags !== undefined) return placed(flags, `ingredient-code:${code.slice(0, 7)}`);
    return notPlaced(
      catalogue === undefined
        ? `薬効分類 ${category} mixes classes; the ingredient needs the drug catalogue`
        : `薬効分類 ${category} mixes classes and the code is not in the drug catalogue`,
    );
  }
  return agree(
    products.map((p) => classifyIngredient(category, p.code, p.ingredient)),
    `code ${code}`,
  );
};

/** A product of the price list, by its own code. */
export const classifyProduct = (product: CatalogueProduct, catalogue?: DrugCatalogue): DrugClassification =>
  result(classifyJapanese(product.code, catalogue));

/** The products a name names: exactly, else without its maker suffix (any maker of that product). */
const classifyByName = (name: string, catalogue: DrugCatalogue): Outcome | undefined => {
  const products = drugNameKeys(name)
    .map((key) => catalogue.byName.get(key))
    .find((found) => found !== undefined);
  if (products === undefined) return undefined;
  return agree(
    products.map((p) => classifyJapanese(p.code, catalogue)),
    `the name ${name}`,
  );
};

// ---- one medication -----------------------------------------------------------------------------

const normaliseCode = (code: string): string => code.replace(/\s+/g, '').toUpperCase();

const classifyCoding = (coding: CodeRef, catalogue: DrugCatalogue | undefined): Outcome | undefined => {
  if (coding.system === undefined || coding.code === undefined) return undefined;
  const code = normaliseCode(coding.code);
  if (coding.system === ATC_SYSTEM) return classifyAtc(code);
  if (YJ_SYSTEMS.includes(coding.system) || PRICE_CODE_SYSTEMS.includes(coding.system)) {
    return classifyJapanese(code, catalogue);
  }
  if (GENERAL_NAME_CODE_SYSTEMS.includes(coding.system)) return classifyJapanese(code, catalogue);
  return undefined;
};

const result = (o: Outcome): DrugClassification =>
  o.ok
    ? { classified: true, flags: o.flags, basis: o.basis }
    : { classified: false, flags: o.flags, why: o.why };

/**
 * Classifies one medication. Every coding of a known system, and (with the catalogue) every name that
 * names a listed product, is an opinion; the medication is classified when at least one opinion places
 * it and the flags are the union of all opinions (a flag found anywhere is never dropped). Codings of
 * other systems (HOT, レセプト電算, RxNorm, SNOMED ...) never classify on their own.
 */
export const classifyDrug = (input: DrugInput, catalogue?: DrugCatalogue): DrugClassification => {
  const opinions = input.codings.flatMap((c) => classifyCoding(c, catalogue) ?? []);
  if (catalogue !== undefined) {
    for (const name of input.names) {
      const byName = classifyByName(name, catalogue);
      if (byName !== undefined) opinions.push(byName);
    }
  }
  const flags = inCrewOrder(opinions.flatMap((o) => o.flags));
  const sure = opinions.filter((o): o is Placed => o.ok);
  if (sure.length > 0)
    return { classified: true, flags, basis: [...new Set(sure.map((o) => o.basis))].join(' ') };
  const why = opinions.find((o): o is NotPlaced => !o.ok)?.why;
  if (why !== undefined) return { classified: false, flags, why };
  const nameOnly = input.codings.some((c) => c.system !== undefined && NAME_ONLY_SYSTEMS.includes(c.system));
  return {
    classified: false,
    flags,
    why: nameOnly
      ? catalogue === undefined
        ? 'a HOT or receipt code needs the drug catalogue and a product name'
        : 'a HOT or receipt code and no name found in the drug catalogue'
      : 'no coding of a known drug code system and no name found in the drug catalogue',
  };
};
