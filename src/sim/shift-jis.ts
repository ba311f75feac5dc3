/**
 * A Shift_JIS (Windows-31J) encoder for the simulators, built by inverting the platform's WHATWG
 * decoder over every one- and two-byte sequence: Node has no Shift_JIS TextEncoder, and the お薬手帳
 * QR payloads the demo shows are Shift_JIS, as pharmacy systems write them.
 */
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

/** Shift_JIS bytes of a text; `undefined` when a character has no Shift_JIS form. */
export const encodeShiftJis = (text: string): Uint8Array | undefined => {
  const out: number[] = [];
  for (const char of text) {
    const bytes = table.get(char);
    if (bytes === undefined) return undefined;
    out.push(...bytes);
  }
  return new Uint8Array(out);
};

/** Characters that Shift_JIS can write, for generators. */
export const SHIFT_JIS_CHARS: readonly string[] = [...table.keys()];
