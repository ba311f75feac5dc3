import { shiftJisChars } from '../../src/sim/shift-jis.js';

/** The simulators' Shift_JIS (Windows-31J) encoder: tests build Shift_JIS bytes of texts they generate. */
export { encodeShiftJis } from '../../src/sim/shift-jis.js';

/** Characters that Shift_JIS can write, for generators. */
export const SHIFT_JIS_CHARS: readonly string[] = shiftJisChars();
