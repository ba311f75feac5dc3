import { FAMILY_NAMES, FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES, PLACES, type NameEntry } from './names.js';
import { SeededRandom } from './random.js';

/**
 * One synthetic card-holder. The card emulator and the reference records service derive everything
 * from (seed, index), so the same seed yields the same holder, certificate serial and records in both.
 */
export interface Cardholder {
  readonly seed: number;
  readonly index: number;
  /**
   * Serial of the JPKI user-authentication certificate, upper-case hex: the key that links a card to
   * its records (the Individual Number is never used for that).
   */
  readonly certificateSerial: string;
  readonly family: NameEntry;
  readonly given: NameEntry;
  /** Family and given name in kanji, separated by U+3000 as on the card. */
  readonly fullName: string;
  readonly fullNameKana: string;
  readonly sex: 'male' | 'female';
  /** ISO date, Gregorian. */
  readonly birthDate: string;
  readonly address: string;
  /** Synthetic 12-digit Individual Number with a valid check digit: only the emulator's 入力補助 AP holds it. */
  readonly individualNumber: string;
  /** 4-digit user-authentication PIN (JPKI EF 0018). */
  readonly authPin: string;
  /** 4-digit 券面事項入力補助 PIN (EF 0011). */
  readonly textPin: string;
  /** 6–16 upper-case letters and digits (JPKI EF 001B). */
  readonly signPassword: string;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Check digit of the Individual Number (総務省令第85号 Art. 5; weights 6 5 4 3 2 7 6 5 4 3 2). */
export const individualNumberCheckDigit = (first11: string): number => {
  if (!/^\d{11}$/.test(first11)) throw new RangeError('expected 11 digits');
  let sum = 0;
  for (let n = 1; n <= 11; n++) {
    const digit = Number(first11[11 - n]);
    sum += digit * (n <= 6 ? n + 1 : n - 5);
  }
  const r = sum % 11;
  return r <= 1 ? 0 : 11 - r;
};

/** Ages skew old, as ambulance patients do (about 60 % of transports in Japan are 65 or older). */
const ageYears = (rng: SeededRandom): number => {
  const band = rng.next();
  if (band < 0.08) return rng.int(0, 14);
  if (band < 0.4) return rng.int(15, 64);
  if (band < 0.75) return rng.int(65, 84);
  return rng.int(85, 101);
};

/** Reference day the synthetic ages are computed from, so the population does not change with the date. */
const POPULATION_EPOCH = Date.UTC(2026, 3, 1);

export const cardholder = (seed: number, index: number): Cardholder => {
  if (!Number.isInteger(index) || index < 0) throw new RangeError('index must be a non-negative integer');
  const root = new SeededRandom(seed).fork(`holder:${index}`);
  const id = root.fork('identity');
  const sex = id.chance(0.5) ? 'male' : 'female';
  const family = id.pick(FAMILY_NAMES);
  const given = id.pick(sex === 'male' ? MALE_GIVEN_NAMES : FEMALE_GIVEN_NAMES);
  const birth = new Date(POPULATION_EPOCH - ageYears(id) * 365.25 * 86_400_000 - id.int(0, 364) * 86_400_000);
  const birthDate = `${birth.getUTCFullYear()}-${pad(birth.getUTCMonth() + 1, 2)}-${pad(birth.getUTCDate(), 2)}`;
  const address = `${id.pick(PLACES)}${id.int(1, 9)}丁目${id.int(1, 30)}番${id.int(1, 20)}号`;

  const card = root.fork('card');
  const serialBytes = card.bytes(8);
  serialBytes[0] = ((serialBytes[0] ?? 0) & 0x7f) | 0x10; // positive DER INTEGER, fixed width
  const certificateSerial = Buffer.from(serialBytes).toString('hex').toUpperCase();
  const first11 = Array.from({ length: 11 }, () => card.int(0, 9)).join('');
  const individualNumber = `${first11}${individualNumberCheckDigit(first11)}`;
  const authPin = pad(card.int(0, 9999), 4);
  const textPin = pad(card.int(0, 9999), 4);
  const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  const signPassword = `${Array.from({ length: 4 }, () => card.pick([...letters])).join('')}${pad(card.int(0, 9999), 4)}`;

  return {
    seed,
    index,
    certificateSerial,
    family,
    given,
    fullName: `${family.kanji}\u3000${given.kanji}`,
    fullNameKana: `${family.kana}\u3000${given.kana}`,
    sex,
    birthDate,
    address,
    individualNumber,
    authPin,
    textPin,
    signPassword,
  };
};

export const population = (seed: number, count: number): readonly Cardholder[] =>
  Array.from({ length: count }, (_, index) => cardholder(seed, index));

/**
 * Strings that identify a holder and must never appear in logs, metrics, topics or URLs. The log
 * capture check searches every line the test suite wrote for each of them.
 */
export const identifyingStrings = (holder: Cardholder): readonly string[] => [
  holder.fullName,
  holder.fullNameKana,
  `${holder.family.kanji}${holder.given.kanji}`,
  holder.birthDate,
  holder.birthDate.replaceAll('-', ''),
  holder.address,
  holder.individualNumber,
  holder.certificateSerial,
  holder.certificateSerial.toLowerCase(),
  BigInt(`0x${holder.certificateSerial}`).toString(10),
];
