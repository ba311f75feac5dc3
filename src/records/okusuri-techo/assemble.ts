/**
 * Scanned codes → whole お薬手帳 documents. Two ways a document spans several QR codes:
 *
 * 1. The JAHIS way (仕様書 3.2.9(3), データを分割した場合の出力方法): the data is cut at record
 *    boundaries; every part begins with the version record and ends with the 分割制御レコード
 *    `911,データ固有ID(14 digits),分割数,データ連番`. Each part is a text on its own, so the order and
 *    the completeness of a set are read from the payloads themselves, whatever order they were scanned in.
 * 2. QR structured append (ISO/IEC 18004, 8.4 / Annex: symbol position, total, parity): one byte stream
 *    cut anywhere, even inside a Shift_JIS character. Its order lives only in each symbol's header, which
 *    a decoder may report beside the text; the bytes are joined in that order before decoding, and the
 *    parity byte (XOR of every data byte) checks the whole.
 *
 * A code that is neither a whole JAHIS text nor a structured-append part with its header cannot be
 * placed, and a set with a part missing is refused as a whole: nothing is half-merged.
 */
import { err, ok, type Result } from '../../core/index.js';
import { F, RECORD } from './layouts.js';
import type { ScannedCode, TechoError } from './model.js';
import { VERSION_HEADER, decodePayload, recordFields, recordLines } from './text.js';

/** Bounds: a QR code holds at most 2,953 bytes; structured append joins at most 16 symbols. */
export const LIMITS = { codes: 64, bytesPerCode: 8 * 1024 } as const;

const fail = (code: TechoError['code'], message: string): Result<never, TechoError> => err({ code, message });

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((byte, i) => byte === b[i]);

/** Structured-append parts grouped by parity, joined in symbol order and checked. */
const joinStructuredAppend = (codes: readonly ScannedCode[]): Result<Uint8Array[], TechoError> => {
  const sets = new Map<number, Map<number, Uint8Array>>();
  const totals = new Map<number, number>();
  for (const code of codes) {
    const sa = code.structuredAppend;
    if (sa === undefined) continue;
    if (
      !Number.isInteger(sa.total) ||
      sa.total < 1 ||
      sa.total > 16 ||
      !(sa.index >= 0 && sa.index < sa.total)
    ) {
      return fail('inconsistent-set', 'a structured-append header is out of range (1–16 symbols)');
    }
    const total = totals.get(sa.parity);
    if (total !== undefined && total !== sa.total) {
      return fail('inconsistent-set', 'codes of one structured-append set disagree on how many codes it has');
    }
    totals.set(sa.parity, sa.total);
    const parts = sets.get(sa.parity) ?? new Map<number, Uint8Array>();
    sets.set(sa.parity, parts);
    const seen = parts.get(sa.index);
    // The same code scanned twice is harmless; two different codes claiming one position are not.
    if (seen !== undefined && !sameBytes(seen, code.bytes)) {
      return fail('conflicting-part', `two different codes claim part ${sa.index + 1} of ${sa.total}`);
    }
    parts.set(sa.index, code.bytes);
  }
  const joined: Uint8Array[] = [];
  for (const [parity, parts] of sets) {
    const total = totals.get(parity) ?? 0;
    const missing = Array.from({ length: total }, (_, i) => i).filter((i) => !parts.has(i));
    if (missing.length > 0) {
      return fail(
        'missing-part',
        `code${missing.length > 1 ? 's' : ''} ${missing.map((i) => i + 1).join(', ')} of ${total} ${missing.length > 1 ? 'are' : 'is'} missing: scan every code of the set`,
      );
    }
    const ordered = Array.from({ length: total }, (_, i) => parts.get(i) ?? new Uint8Array());
    const bytes = new Uint8Array(ordered.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const part of ordered) {
      bytes.set(part, offset);
      offset += part.length;
    }
    if (bytes.reduce((x, b) => x ^ b, 0) !== parity) {
      return fail(
        'parity-mismatch',
        'the codes of a structured-append set do not add up (parity differs): rescan them',
      );
    }
    joined.push(bytes);
  }
  return ok(joined);
};

interface JahisPart {
  readonly lines: readonly string[];
  readonly split: { readonly dataId: string; readonly total: number; readonly index: number } | undefined;
}

const jahisPart = (text: string): Result<JahisPart, TechoError> => {
  const lines = recordLines(text);
  const first = recordFields(lines[0] ?? '')[0] ?? '';
  if (!VERSION_HEADER.test(first)) {
    return fail(
      first.startsWith('JAHIS') ? 'not-okusuri-techo' : 'fragment-without-sequence',
      first.startsWith('JAHIS')
        ? 'a code is a JAHIS 院外処方箋 code (a prescription), not an お薬手帳 code'
        : 'a code does not begin with a JAHISTC version record and its structured-append position is not known: scan the set again with a reader that reports it',
    );
  }
  const splitLines = lines.filter((l) => recordFields(l)[0] === RECORD.split);
  if (splitLines.length === 0) return ok({ lines, split: undefined });
  const f = recordFields(splitLines[0] ?? '');
  const dataId = f[F.split.dataId] ?? '';
  const total = Number(f[F.split.total]);
  const index = Number(f[F.split.index]);
  if (
    splitLines.length > 1 ||
    !/^[0-9]{1,3}$/u.test(f[F.split.total] ?? '') ||
    !/^[0-9]{1,3}$/u.test(f[F.split.index] ?? '') ||
    dataId === '' ||
    total < 1 ||
    index < 1 ||
    index > total
  ) {
    return fail(
      'inconsistent-set',
      'a 分割制御 (911) record is malformed (データ固有ID, 分割数, データ連番)',
    );
  }
  return ok({
    lines: lines.filter((l) => recordFields(l)[0] !== RECORD.split),
    split: { dataId, total, index },
  });
};

/** JAHIS split parts grouped by データ固有ID and joined in データ連番 order; whole texts pass through. */
const joinJahisSplits = (parts: readonly JahisPart[]): Result<string[], TechoError> => {
  const documents: string[] = [];
  const sets = new Map<string, JahisPart[]>();
  for (const part of parts) {
    if (part.split === undefined) documents.push(part.lines.join('\r\n'));
    else sets.set(part.split.dataId, [...(sets.get(part.split.dataId) ?? []), part]);
  }
  for (const set of sets.values()) {
    const total = set[0]?.split?.total ?? 0;
    if (set.some((p) => p.split?.total !== total)) {
      return fail('inconsistent-set', 'codes of one お薬手帳 set disagree on how many codes it has (分割数)');
    }
    if (set.some((p) => p.lines[0] !== set[0]?.lines[0])) {
      return fail('inconsistent-set', 'codes of one お薬手帳 set carry different version records');
    }
    const byIndex = new Map<number, JahisPart>();
    for (const part of set) {
      const index = part.split?.index ?? 0;
      const seen = byIndex.get(index);
      if (seen !== undefined && seen.lines.join('\n') !== part.lines.join('\n')) {
        return fail('conflicting-part', `two different codes claim part ${index} of ${total}`);
      }
      byIndex.set(index, part);
    }
    const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
    if (missing.length > 0) {
      return fail(
        'missing-part',
        `お薬手帳 code${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${total} ${missing.length > 1 ? 'are' : 'is'} missing: scan every code of the set`,
      );
    }
    const ordered = Array.from({ length: total }, (_, i) => byIndex.get(i + 1)?.lines ?? []);
    documents.push([ordered[0]?.[0] ?? '', ...ordered.flatMap((lines) => lines.slice(1))].join('\r\n'));
  }
  return ok(documents);
};

/** Scanned codes → the texts of whole documents, or why the set is refused. */
export const assembleCodes = (codes: readonly ScannedCode[]): Result<string[], TechoError> => {
  if (codes.length === 0) return fail('no-codes', 'no code was scanned');
  if (codes.length > LIMITS.codes || codes.some((c) => c.bytes.length > LIMITS.bytesPerCode)) {
    return fail('too-large', `more than ${LIMITS.codes} codes, or a code larger than a QR code can hold`);
  }
  const joined = joinStructuredAppend(codes);
  if (!joined.ok) return joined;
  const payloads = [
    ...codes.filter((c) => c.structuredAppend === undefined).map((c) => c.bytes),
    ...joined.value,
  ];
  const parts: JahisPart[] = [];
  for (const bytes of payloads) {
    const text = decodePayload(bytes);
    if (!text.ok) {
      return fail('wrong-encoding', 'a code is neither UTF-8 nor Shift_JIS text: it cannot be read');
    }
    const part = jahisPart(text.value.text);
    if (!part.ok) return part;
    parts.push(part.value);
  }
  const documents = joinJahisSplits(parts);
  // The same sticker scanned twice is one document.
  return documents.ok ? ok([...new Set(documents.value)]) : documents;
};
