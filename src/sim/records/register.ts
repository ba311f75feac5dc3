import type { RegisteredPerson } from '../../records/index.js';
import { PLACES } from '../names.js';
import { cardholder, type Cardholder } from '../population.js';
import { SeededRandom } from '../random.js';

/**
 * The reference records service's register for card-less lookup (issue 13): every card-holder of the
 * population, plus **namesakes**: people with the same name, sex and birth date as a holder but living
 * in another town, some registered with a variant kanji (髙橋 for 高橋). Name collisions of this kind
 * are real (common names, and many people born on a day), and they are what a lookup must never
 * resolve by itself. Deterministic from (seed, size).
 */

/** Every fifth holder (from index 2) has a namesake elsewhere. */
export const hasNamesake = (index: number): boolean => index % 5 === 2;

/** Variant kanji a namesake's register entry uses instead of the common one (異体字). */
const VARIANT_OF: Readonly<Record<string, string>> = { 高: '髙', 崎: '﨑', 斎: '齋', 辺: '邊' };

/** 東京都八王子市元本郷町… → 東京都八王子市 (prefecture and the first city, ward, town or village). */
export const municipalityOf = (address: string): string =>
  /^(.+?[都道府県].+?[市区町村])/.exec(address)?.[1] ?? address;

/** A synthetic 7-digit postcode per place (not a real one). */
const postcodeOf = (place: string): string => {
  const n = [...place].reduce((h, c) => (h * 31 + (c.codePointAt(0) ?? 0)) % 9_000_000, 7);
  return String(1_000_000 + n);
};

const placeOf = (address: string): string => PLACES.find((p) => address.startsWith(p)) ?? address;

const person = (
  id: string,
  h: Cardholder,
  address: string,
  nameKanji: string,
  rng: SeededRandom,
): RegisteredPerson => ({
  id,
  nameKana: h.fullNameKana,
  nameKanji,
  birthDate: h.birthDate,
  sex: h.sex,
  address,
  postcode: postcodeOf(placeOf(address)),
  municipality: municipalityOf(address),
  insurer: {
    insurerNumber: `06${String(rng.int(130_000, 139_999))}`,
    symbol: String(rng.int(1, 9999)),
    number: String(rng.int(1, 99_999)),
    branch: String(rng.int(0, 3)).padStart(2, '0'),
  },
});

/** The holder's own register entry; its id names the holder (`holder-<index>`), whose records it has. */
export const registeredHolder = (seed: number, index: number): RegisteredPerson => {
  const h = cardholder(seed, index);
  return person(
    `holder-${index}`,
    h,
    h.address,
    h.fullName,
    new SeededRandom(seed).fork(`register:${index}`),
  );
};

/** The namesake of holder `index`: same name, sex and birth date, another town. */
export const registeredNamesake = (seed: number, index: number): RegisteredPerson => {
  const h = cardholder(seed, index);
  const rng = new SeededRandom(seed).fork(`namesake:${index}`);
  const home = PLACES.indexOf(placeOf(h.address));
  const place = PLACES[(home + 1 + rng.int(0, PLACES.length - 2)) % PLACES.length] ?? PLACES[0];
  const address = `${place}${rng.int(1, 9)}丁目${rng.int(1, 30)}番${rng.int(1, 20)}号`;
  const kanji = index % 2 === 0 ? [...h.fullName].map((c) => VARIANT_OF[c] ?? c).join('') : h.fullName;
  return person(`namesake-${index}`, h, address, kanji, rng);
};

/** The whole register for a population of `size` holders, holders first. */
export const register = (seed: number, size: number): readonly RegisteredPerson[] => {
  const out: RegisteredPerson[] = [];
  for (let i = 0; i < size; i++) out.push(registeredHolder(seed, i));
  for (let i = 0; i < size; i++) if (hasNamesake(i)) out.push(registeredNamesake(seed, i));
  return out;
};
