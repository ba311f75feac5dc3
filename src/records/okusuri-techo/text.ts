/**
 * Text-level rules of the JAHIS お薬手帳 format: bytes to text, records to fields, dates.
 * The specification writes "タグ形式の MS-DOS テキスト": ASCII or Shift_JIS, fields separated by a
 * half-width comma (a comma inside a text is written full-width), records ended by CR LF, an
 * optional EOF (0x1A). QR readers and apps also hand the same text over as UTF-8.
 */
import { err, ok, type Result } from '../../core/index.js';

// WHATWG "shift_jis" is Windows-31J (CP932): Shift_JIS with the NEC and IBM extensions the
// pharmacy systems write (①, ㈱, 髙 ...). Node 20 with full ICU and every browser provide it.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const shiftJis = new TextDecoder('shift_jis', { fatal: true });

export type TextEncoding = 'utf-8' | 'shift_jis';

/**
 * The text of a payload: UTF-8 when the bytes are valid UTF-8 (a Shift_JIS Japanese text almost never
 * is), else Shift_JIS; neither is an error, never a text full of replacement characters.
 */
export const decodePayload = (
  bytes: Uint8Array,
): Result<{ text: string; encoding: TextEncoding }, 'wrong-encoding'> => {
  try {
    return ok({ text: utf8.decode(bytes), encoding: 'utf-8' });
  } catch {
    // not UTF-8: try Shift_JIS below
  }
  try {
    return ok({ text: shiftJis.decode(bytes), encoding: 'shift_jis' });
  } catch {
    return err('wrong-encoding');
  }
};

/**
 * Records (lines) of a text: CR LF as published, LF or CR alone as some readers pass them on; a
 * trailing EOF (0x1A) and trailing blank lines dropped.
 */
export const recordLines = (text: string): string[] => {
  const eof = String.fromCharCode(0x1a);
  let end = text.length;
  while (end > 0 && (text[end - 1] === eof || /\s/u.test(text[end - 1] ?? ''))) end -= 1;
  return text.slice(0, end).split(/\r\n|\n|\r/u);
};

export const recordFields = (line: string): string[] => line.trimEnd().split(',');

/** The version record: `JAHISTC` and two digits, then the 出力区分. */
export const VERSION_HEADER = /^JAHISTC([0-9]{2})$/u;

/** 年号区分 and the first and last day of each era (the last day of an era is the day before the next). */
const ERAS: Readonly<Record<string, { first: string; last: string }>> = {
  M: { first: '1868-01-25', last: '1912-07-29' },
  T: { first: '1912-07-30', last: '1926-12-24' },
  S: { first: '1926-12-25', last: '1989-01-07' },
  H: { first: '1989-01-08', last: '2019-04-30' },
  R: { first: '2019-05-01', last: '9999-12-31' },
};

const isoIfReal = (year: number, month: number, day: number): string | undefined => {
  if (year < 1 || month < 1 || month > 12 || day < 1) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC maps years 0–99 to 1900–1999: the year check below refuses those as well.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return undefined;
  }
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
};

/**
 * A JAHIS date (西暦 YYYYMMDD, or 和暦 GYYMMDD with 年号区分 M/T/S/H/R) as an ISO date; `undefined` for
 * a date that does not exist, including an era year past the era's end (H32, S65).
 */
export const jahisDate = (value: string): string | undefined => {
  const western = /^([0-9]{4})([0-9]{2})([0-9]{2})$/u.exec(value);
  if (western !== null) return isoIfReal(Number(western[1]), Number(western[2]), Number(western[3]));
  const japanese = /^([MTSHR])([0-9]{2})([0-9]{2})([0-9]{2})$/u.exec(value);
  if (japanese === null) return undefined;
  const era = ERAS[japanese[1] ?? ''];
  if (era === undefined) return undefined;
  const year = Number(era.first.slice(0, 4)) + Number(japanese[2]) - 1;
  const iso = isoIfReal(year, Number(japanese[3]), Number(japanese[4]));
  return iso !== undefined && iso >= era.first && iso <= era.last ? iso : undefined;
};

/** 用量 / 調剤数量: a non-negative decimal (up to 6 integer and 5 fraction digits in the spec). */
export const jahisNumber = (value: string): number | undefined =>
  /^[0-9]{1,9}(\.[0-9]{1,9})?$/u.test(value) ? Number(value) : undefined;
