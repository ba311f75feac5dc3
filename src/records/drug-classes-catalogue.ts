/**
 * The MHLW 薬価基準収載品目リスト (list of drugs under the national health insurance price standard) as
 * a catalogue: parsing is pure (text in, catalogue or typed error out); reading the file is
 * drug-classes-file.ts. Columns as published by MHLW (医療保険が適用される医薬品について) and converted
 * to CSV: 区分, 薬価基準収載医薬品コード, 成分名, 規格, ..., 麻薬, ..., 品名, ... (docs/drug-classes.md).
 */
import { err, ok, type Result } from '../core/index.js';
import { drugNameKeys, normaliseDrugName } from './drug-classes-names.js';

/** 区分 of the list: how the product is given. */
export const CATALOGUE_ROUTES = {
  内用薬: 'oral',
  注射薬: 'injection',
  外用薬: 'topical',
  歯科用薬剤: 'dental',
} as const;
export type CatalogueRoute = (typeof CATALOGUE_ROUTES)[keyof typeof CATALOGUE_ROUTES];

export interface CatalogueProduct {
  /** 薬価基準収載医薬品コード (12 characters; the first four digits are the 薬効分類). */
  readonly code: string;
  readonly route: CatalogueRoute;
  /** 成分名 as listed (e.g. ワルファリンカリウム). */
  readonly ingredient: string;
  /** 品名 as listed (e.g. ワーファリン錠１ｍｇ). */
  readonly name: string;
  /** 規格 as listed (e.g. １ｍｇ１錠). */
  readonly strength: string;
  /** 麻薬 column: a narcotic under the Narcotics and Psychotropics Control Act. */
  readonly narcotic: boolean;
}

export interface DrugCatalogue {
  readonly products: readonly CatalogueProduct[];
  /** Products by 薬価基準収載医薬品コード. */
  readonly byCode: ReadonlyMap<string, CatalogueProduct>;
  /** Products by the first 7 characters of their code (薬効分類, ingredient and route). */
  readonly byIngredientCode: ReadonlyMap<string, readonly CatalogueProduct[]>;
  /**
   * Products by name key (drugNameKeys): normalised 品名, 品名 without the maker suffix 「…」 (every
   * maker's product of that name), and normalised 成分名.
   */
  readonly byName: ReadonlyMap<string, readonly CatalogueProduct[]>;
}

export const DRUG_CATALOGUE_ERRORS = ['unreadable', 'not-a-price-list', 'bad-row', 'empty'] as const;
export type DrugCatalogueErrorCode = (typeof DRUG_CATALOGUE_ERRORS)[number];
export interface DrugCatalogueError {
  readonly code: DrugCatalogueErrorCode;
  /** Operator-facing detail (a file name, a line number); the list holds no PHI. */
  readonly message: string;
}

const REQUIRED = ['区分', '薬価基準収載医薬品コード', '成分名', '規格', '麻薬', '品名'] as const;
const PRICE_CODE = /^[0-9]{4}[0-9A-Z]{8}$/;

/** RFC 4180 fields of one line (the MHLW CSV has no line breaks inside fields). */
const csvFields = (line: string): string[] => {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i += 1;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) {
          field += line.slice(i);
          i = line.length;
          break;
        }
        field += line.slice(i, q);
        i = q + 1;
        if (line[i] === '"') {
          field += '"';
          i += 1;
        } else break;
      }
      const comma = line.indexOf(',', i);
      i = comma < 0 ? line.length : comma;
    } else {
      const comma = line.indexOf(',', i);
      field = line.slice(i, comma < 0 ? line.length : comma);
      i = comma < 0 ? line.length : comma;
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i += 1;
  }
};

const isRoute = (s: string): s is keyof typeof CATALOGUE_ROUTES => Object.hasOwn(CATALOGUE_ROUTES, s);

const add = (index: Map<string, CatalogueProduct[]>, key: string, product: CatalogueProduct): void => {
  if (key === '') return;
  const list = index.get(key);
  if (list === undefined) index.set(key, [product]);
  else if (!list.includes(product)) list.push(product);
};

/** Parses the list's CSV text; every data row must be well formed (a bad row is a bad file). */
export const parseDrugCatalogue = (text: string): Result<DrugCatalogue, DrugCatalogueError> => {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = csvFields(lines[0] ?? '').map((h) => h.trim());
  const column = Object.fromEntries(REQUIRED.map((name) => [name, header.indexOf(name)])) as Record<
    (typeof REQUIRED)[number],
    number
  >;
  const missing = REQUIRED.filter((name) => column[name] < 0);
  if (missing.length > 0) {
    return err({ code: 'not-a-price-list', message: `missing column(s): ${missing.join(', ')}` });
  }
  const products: CatalogueProduct[] = [];
  const byCode = new Map<string, CatalogueProduct>();
  const byName = new Map<string, CatalogueProduct[]>();
  const byIngredientCode = new Map<string, CatalogueProduct[]>();
  for (let n = 1; n < lines.length; n += 1) {
    const line = lines[n] ?? '';
    if (line.trim() === '') continue;
    const f = csvFields(line);
    const at = (name: (typeof REQUIRED)[number]): string => (f[column[name]] ?? '').trim();
    const route = at('区分');
    const code = at('薬価基準収載医薬品コード');
    if (!isRoute(route) || !PRICE_CODE.test(code) || at('品名') === '' || at('成分名') === '') {
      return err({ code: 'bad-row', message: `line ${n + 1}: not a product row of the price list` });
    }
    const product: CatalogueProduct = {
      code,
      route: CATALOGUE_ROUTES[route],
      ingredient: at('成分名'),
      name: at('品名'),
      strength: at('規格'),
      narcotic: at('麻薬') !== '',
    };
    products.push(product);
    // Unified-name listings (統一名収載) share one code across makers' products: keep the first.
    if (!byCode.has(code)) byCode.set(code, product);
    add(byIngredientCode, code.slice(0, 7), product);
    for (const key of drugNameKeys(product.name)) add(byName, key, product);
    add(byName, normaliseDrugName(product.ingredient), product);
  }
  if (products.length === 0) return err({ code: 'empty', message: 'the price list has no products' });
  return ok({ products, byCode, byIngredientCode, byName });
};
