/**
 * How far a set of scanned お薬手帳 codes is from whole, while the crew is still scanning: "2 of 3
 * codes read". Only counts and positions, never contents; `readOkusuriTecho` reads the set once
 * every part is in (and refuses it whole if anything is wrong).
 */
import { err, ok, type Result } from '../../core/index.js';
import { F, RECORD } from './layouts.js';
import type { ScannedCode, TechoError } from './model.js';
import { decodePayload, recordFields, recordLines } from './text.js';

/** One set being collected: a structured-append set, a JAHIS 911 split, or a single whole code. */
export interface SetProgress {
  readonly read: number;
  readonly total: number;
  /** 1-based positions not read yet. */
  readonly missing: readonly number[];
}

export interface ScanProgress {
  readonly sets: readonly SetProgress[];
  /** Every set has all its parts (then the whole scan can be read). */
  readonly complete: boolean;
  /** Parts read and expected over all sets. */
  readonly read: number;
  readonly total: number;
}

/**
 * ISO/IEC 18004 structured append as a decoder reports it (ZXing's STRUCTURED_APPEND_SEQUENCE and
 * _PARITY): the symbol sequence byte holds the position (0-based) in its high nibble and the total
 * less one in its low nibble; the parity byte is the XOR of the whole message's data bytes.
 */
export const structuredAppendOf = (
  sequence: number,
  parity: number,
): Result<NonNullable<ScannedCode['structuredAppend']>, TechoError> => {
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 0xff || !Number.isInteger(parity))
    return err({ code: 'inconsistent-set', message: 'a structured-append header is out of range' });
  if (parity < 0 || parity > 0xff)
    return err({ code: 'inconsistent-set', message: 'a structured-append header is out of range' });
  const index = sequence >> 4;
  const total = (sequence & 0x0f) + 1;
  if (index >= total)
    return err({
      code: 'inconsistent-set',
      message: 'a structured-append header names a position past the end of its set',
    });
  return ok({ index, total, parity });
};

const setOf = (total: number, positions: ReadonlySet<number>): SetProgress => {
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !positions.has(i));
  return { read: total - missing.length, total, missing };
};

/**
 * The progress of the codes scanned so far. Structured-append parts count by their header; a whole
 * JAHIS text counts by its 分割制御 (911) record, or as a set of one. A code that cannot be placed
 * (not text, no header) counts as a set of one: reading the set will say why it is refused.
 */
export const scanProgress = (codes: readonly ScannedCode[]): ScanProgress => {
  const appended = new Map<number, { total: number; positions: Set<number> }>();
  const splits = new Map<string, { total: number; positions: Set<number> }>();
  let singles = 0;
  for (const code of codes) {
    const sa = code.structuredAppend;
    if (sa !== undefined) {
      const set = appended.get(sa.parity) ?? { total: sa.total, positions: new Set<number>() };
      set.total = Math.max(set.total, sa.total);
      set.positions.add(sa.index + 1);
      appended.set(sa.parity, set);
      continue;
    }
    const text = decodePayload(code.bytes);
    const split = text.ok
      ? recordLines(text.value.text)
          .map(recordFields)
          .find((f) => f[0] === RECORD.split)
      : undefined;
    const total = Number(split?.[F.split.total]);
    const index = Number(split?.[F.split.index]);
    const dataId = split?.[F.split.dataId] ?? '';
    if (split === undefined || !(total >= 1 && total <= 999 && index >= 1 && index <= total)) {
      singles += 1;
      continue;
    }
    const set = splits.get(dataId) ?? { total, positions: new Set<number>() };
    set.total = Math.max(set.total, total);
    set.positions.add(index);
    splits.set(dataId, set);
  }
  const sets = [
    ...[...appended.values(), ...splits.values()].map((s) => setOf(s.total, s.positions)),
    ...Array.from({ length: singles }, () => ({ read: 1, total: 1, missing: [] })),
  ];
  return {
    sets,
    complete: sets.length > 0 && sets.every((s) => s.missing.length === 0),
    read: sets.reduce((n, s) => n + s.read, 0),
    total: sets.reduce((n, s) => n + s.total, 0),
  };
};
