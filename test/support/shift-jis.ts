/** The simulators' Shift_JIS (Windows-31J) encoder: tests build Shift_JIS bytes of texts they generate. */
export { encodeShiftJis, SHIFT_JIS_CHARS } from '../../src/sim/shift-jis.js';
