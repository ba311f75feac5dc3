import { err, ok, type Result } from '../core/index.js';

/**
 * Card-less lookup (issue 13, item 2): the crew enters what it has, and the records service answers
 * with candidates. Pure: normalising what was typed, scoring a registered person against it, and
 * choosing which attributes to show. Mis-linked records are what this must never produce, so:
 * - two registered people are never collapsed into one candidate, however alike;
 * - nothing here picks a candidate: the crew confirms one (`confirmCandidate`), even when it is alone;
 * - a provided item that contradicts the register (another birth date, another sex) excludes;
 * - the score is absolute (points of 100 actually matched), so fewer items give a weaker match.
 */

/** The four basic items (基本4情報) as typed; at least a name and the birth date. */
export interface FourItemsQuery {
  readonly kind: 'four-items';
  readonly nameKana?: string;
  readonly nameKanji?: string;
  /** ISO date. */
  readonly birthDate: string;
  readonly sex?: 'male' | 'female';
  readonly address?: string;
  /** 7 digits, with or without the hyphen. */
  readonly postcode?: string;
}

/** From a 資格確認書, an old insurance card or the マイナポータル screen. */
export interface InsurerQuery {
  readonly kind: 'insurer-number';
  /** 保険者番号: 6 digits (国民健康保険) or 8. */
  readonly insurerNumber: string;
  /** 記号 (may be absent, e.g. 国民健康保険 often has none). */
  readonly symbol?: string;
  /** 番号. */
  readonly number: string;
  /** 枝番: 2 digits. */
  readonly branch: string;
}

export type LookupQuery = FourItemsQuery | InsurerQuery;

/** A person as the register holds them. */
export interface RegisteredPerson {
  /** The register's own id: never shown, never sent to the tablet. */
  readonly id: string;
  readonly nameKana: string;
  readonly nameKanji: string;
  readonly birthDate: string;
  readonly sex: 'male' | 'female';
  readonly address: string;
  readonly postcode: string;
  /** 市区町村, e.g. 東京都八王子市: what tells namesakes apart without their street address. */
  readonly municipality: string;
  readonly insurer: {
    readonly insurerNumber: string;
    readonly symbol: string;
    readonly number: string;
    readonly branch: string;
  };
}

export const LOOKUP_ERRORS = {
  /** Not enough to match on (e.g. no name, no birth date, an incomplete insurer number). */
  tooLittle: 'too-little',
  /** A value that cannot be one (impossible date, letters in a postcode). */
  invalid: 'invalid',
} as const;
export type LookupError = (typeof LOOKUP_ERRORS)[keyof typeof LOOKUP_ERRORS];

/**
 * Kanji variants written interchangeably in names (異体字): folded to the common form so that
 * 髙橋 finds 高橋. Only variants of one character that never distinguish two names are listed.
 */
const KANJI_VARIANTS: Readonly<Record<string, string>> = {
  髙: '高',
  﨑: '崎',
  嵜: '崎',
  齋: '斎',
  齊: '斎',
  邊: '辺',
  邉: '辺',
  澤: '沢',
  濱: '浜',
  國: '国',
  廣: '広',
  櫻: '桜',
  藏: '蔵',
  惠: '恵',
  眞: '真',
};

/**
 * A name as compared: NFKC (full-width letters and half-width kana become one form: ｻﾄｳ → サトウ),
 * hiragana to katakana, kanji variants folded, every space (U+0020, U+3000) and the middle dot removed.
 */
export const normaliseName = (name: string): string =>
  [...name.normalize('NFKC')]
    .map((c) => {
      const code = c.codePointAt(0) ?? 0;
      // Hiragana U+3041–U+3096 sit 0x60 below their katakana.
      if (code >= 0x3041 && code <= 0x3096) return String.fromCodePoint(code + 0x60);
      return KANJI_VARIANTS[c] ?? c;
    })
    .join('')
    .replace(/[\s\u3000・･]/g, '');

/** An address as compared: normalised like a name, with 丁目/番/号 and hyphens reduced to one form. */
export const normaliseAddress = (address: string): string =>
  normaliseName(address)
    .replace(/[‐－―−]/g, '-')
    .replace(/(\d+)丁目/g, '$1-')
    .replace(/(\d+)番地?/g, '$1-')
    .replace(/(\d+)号/g, '$1')
    .replace(/-+$/, '');

const digitsOnly = (s: string): string => s.normalize('NFKC').replace(/[-\s]/g, '');

const isIsoDate = (s: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

/** Checks a query before it leaves the tablet: enough to match on, and every value possible. */
export const checkQuery = (q: LookupQuery): Result<LookupQuery, LookupError> => {
  switch (q.kind) {
    case 'four-items': {
      const kana = q.nameKana === undefined ? '' : normaliseName(q.nameKana);
      const kanji = q.nameKanji === undefined ? '' : normaliseName(q.nameKanji);
      if (kana === '' && kanji === '') return err(LOOKUP_ERRORS.tooLittle);
      if (q.birthDate === '') return err(LOOKUP_ERRORS.tooLittle);
      if (!isIsoDate(q.birthDate)) return err(LOOKUP_ERRORS.invalid);
      if (q.postcode !== undefined && !/^\d{7}$/.test(digitsOnly(q.postcode)))
        return err(LOOKUP_ERRORS.invalid);
      return ok(q);
    }
    case 'insurer-number': {
      const insurer = digitsOnly(q.insurerNumber);
      if (insurer === '' || digitsOnly(q.number) === '' || digitsOnly(q.branch) === '')
        return err(LOOKUP_ERRORS.tooLittle);
      if (!/^(\d{6}|\d{8})$/.test(insurer) || !/^\d{2}$/.test(digitsOnly(q.branch)))
        return err(LOOKUP_ERRORS.invalid);
      return ok(q);
    }
    default:
      return q satisfies never;
  }
};

/** Points per item of the four (of 100): name and birth date carry most, sex and address the rest. */
export const FOUR_ITEM_POINTS = { name: 40, birthDate: 30, sex: 10, address: 20 } as const;

/**
 * The score of one registered person against a query, or `undefined` when the person is not a
 * candidate. Four items: the name (kana or kanji, each given one must match) and the birth date must
 * match; a given sex must match; the address (or postcode) adds its points when it matches, and only
 * the municipality's half when just the town matches (people move: a different address does not
 * exclude). Insurer number: 保険者番号, 番号 and 枝番 must match (and 記号 when given): 100.
 */
export const scorePerson = (q: LookupQuery, p: RegisteredPerson): number | undefined => {
  switch (q.kind) {
    case 'four-items': {
      const kana = q.nameKana === undefined ? '' : normaliseName(q.nameKana);
      const kanji = q.nameKanji === undefined ? '' : normaliseName(q.nameKanji);
      if (kana !== '' && kana !== normaliseName(p.nameKana)) return undefined;
      if (kanji !== '' && kanji !== normaliseName(p.nameKanji)) return undefined;
      if (q.birthDate !== p.birthDate) return undefined;
      if (q.sex !== undefined && q.sex !== p.sex) return undefined;
      let score = FOUR_ITEM_POINTS.name + FOUR_ITEM_POINTS.birthDate;
      if (q.sex !== undefined) score += FOUR_ITEM_POINTS.sex;
      const postcode = q.postcode === undefined ? undefined : digitsOnly(q.postcode);
      const address = q.address === undefined ? '' : normaliseAddress(q.address);
      if (postcode === p.postcode || (address !== '' && normaliseAddress(p.address).startsWith(address)))
        score += FOUR_ITEM_POINTS.address;
      else if (address !== '' && address.startsWith(normaliseName(p.municipality)))
        score += FOUR_ITEM_POINTS.address / 2;
      return score;
    }
    case 'insurer-number': {
      const i = p.insurer;
      const same = (a: string, b: string): boolean => digitsOnly(a) === digitsOnly(b);
      if (!same(q.insurerNumber, i.insurerNumber) || !same(q.number, i.number) || !same(q.branch, i.branch))
        return undefined;
      if (q.symbol !== undefined && q.symbol !== '' && normaliseName(q.symbol) !== normaliseName(i.symbol))
        return undefined;
      return 100;
    }
    default:
      return q satisfies never;
  }
};

/** What the crew sees of one candidate: never a name, an address or an identifier. */
export interface Candidate {
  /** Opaque, for this answer only: what the crew confirms, and what the summary request then names. */
  readonly ref: string;
  readonly score: number;
  readonly age?: number;
  readonly sex?: 'male' | 'female';
  readonly municipality?: string;
}

export interface Match {
  readonly person: RegisteredPerson;
  readonly score: number;
}

/** Every registered person who is a candidate, best first; each person once, never merged. */
export const findMatches = (q: LookupQuery, register: Iterable<RegisteredPerson>): readonly Match[] => {
  const out: Match[] = [];
  for (const person of register) {
    const score = scorePerson(q, person);
    if (score !== undefined) out.push({ person, score });
  }
  return out.sort((a, b) => b.score - a.score || a.person.id.localeCompare(b.person.id));
};

const ageOn = (birthDate: string, at: number): number => {
  const b = new Date(`${birthDate}T00:00:00Z`);
  const n = new Date(at);
  const had =
    n.getUTCMonth() > b.getUTCMonth() ||
    (n.getUTCMonth() === b.getUTCMonth() && n.getUTCDate() >= b.getUTCDate());
  return n.getUTCFullYear() - b.getUTCFullYear() - (had ? 0 : 1);
};

/**
 * The candidates as the crew sees them. One candidate: its age, sex and municipality, to check
 * against the patient before confirming. Several: only the attributes in which they differ, since
 * the rest (the name and birth date the crew typed) tells nothing. `refOf` names each for this answer.
 */
export const candidatesOf = (
  matches: readonly Match[],
  at: number,
  refOf: (person: RegisteredPerson) => string,
): readonly Candidate[] => {
  const ages = new Set(matches.map((m) => ageOn(m.person.birthDate, at)));
  const sexes = new Set(matches.map((m) => m.person.sex));
  const towns = new Set(matches.map((m) => m.person.municipality));
  const one = matches.length === 1;
  return matches.map((m) => ({
    ref: refOf(m.person),
    score: m.score,
    ...(one || ages.size > 1 ? { age: ageOn(m.person.birthDate, at) } : {}),
    ...(one || sexes.size > 1 ? { sex: m.person.sex } : {}),
    ...(one || towns.size > 1 ? { municipality: m.person.municipality } : {}),
  }));
};

/**
 * The crew's confirmation of one candidate: the only way a lookup identifies a patient. A ref not in
 * the answer confirms nothing.
 */
export const confirmCandidate = (
  candidates: readonly Candidate[],
  ref: string,
): Result<Candidate, 'not-a-candidate'> => {
  const c = candidates.find((x) => x.ref === ref);
  return c === undefined ? err('not-a-candidate') : ok(c);
};
