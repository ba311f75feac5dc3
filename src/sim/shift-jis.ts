/**
 * A Shift_JIS (Windows-31J) encoder for the simulators, built by inverting the platform's WHATWG
 * decoder over every one- and two-byte sequence: Node has no Shift_JIS TextEncoder, and the お薬手帳
 * QR payloads the demo shows are Shift_JIS, as pharmacy systems write them.
 */
type Table = ReadonlyMap<string, readonly number[]>;

/**
 * Built on the first text encoded, not at import: ~11,000 entries are ~1.4 MiB of heap, and the
 * in-process demo ambulance loads this module at start-up but encodes only when the crew first opens
 * a demo お薬手帳 QR code (issue 16).
 */
let built: Table | undefined;

const tableOf = (): Table => {
  if (built !== undefined) return built;
  const decoder = new TextDecoder('shift_jis', { fatal: true });
  const table = new Map<string, number[]>();
  const learn = (bytes: number[]): void => {
    try {
      const char = decoder.decode(new Uint8Array(bytes));
      if ([...char].length === 1 && !table.has(char)) table.set(char, bytes);
    } catch {
      // not a valid sequence
    }
  };
  for (let b = 0; b <= 0xdf; b += 1) learn([b]);
  for (let lead = 0x81; lead <= 0xfc; lead += 1) {
    if (lead > 0x9f && lead < 0xe0) continue;
    for (let trail = 0x40; trail <= 0xfc; trail += 1) if (trail !== 0x7f) learn([lead, trail]);
  }
  built = table;
  return table;
};

/** Shift_JIS bytes of a text; `undefined` when a character has no Shift_JIS form. */
export const encodeShiftJis = (text: string): Uint8Array | undefined => {
  const table = tableOf();
  const out: number[] = [];
  for (const char of text) {
    const bytes = table.get(char);
    if (bytes === undefined) return undefined;
    out.push(...bytes);
  }
  return new Uint8Array(out);
};

/** Characters that Shift_JIS can write, for generators. */
export const shiftJisChars = (): readonly string[] => [...tableOf().keys()];
