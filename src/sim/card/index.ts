export { EmulatedCard, EMULATED_ATR, type ApduLogEntry } from './card.js';
export {
  loadOrCreateTestCa,
  loadOrCreateCard,
  TEST_CA_NAME,
  type TestCa,
  type CardMaterial,
} from './material.js';
export { parseFaults, FAULT_NAMES, type Faults } from './faults.js';
export { PIN_KEYS, type PinKey } from './counters.js';
export { AID } from './files.js';
export { InProcessReader, IN_PROCESS_READER } from './in-process.js';
export { CardSlot } from './slot.js';
export { VpcdCard, VPCD_DEFAULT_PORT, type VpcdOptions, type VpcdEvents } from './vpcd.js';
export { acquirePrivatePcscd, type PrivatePcscd } from './pcscd.js';
