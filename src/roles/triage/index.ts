export { mountTriage } from './mount.js';
export { reportBundle } from './fhir.js';
export { deskState, byEta, ACUITY_COLOURS, type DeskState } from './board.js';
export { jcsText, gcsText } from './detail.js';
