export { mountTriage, openAlertDesk } from './mount.js';
export { reportBundle } from './fhir.js';
export { deskState, type DeskState } from './board.js';
export { byEta, boardLists, placement, type ListPolicy, type RecentReason } from './lists.js';
export { AlertDesk, ACK_ERROR, type AckError, type OpenAlert } from './alert-desk.js';
export { ALERTS_FILE, SqliteAlertStore, type AlertStore } from './alert-store.js';
export {
  ALERT_KINDS,
  alertKey,
  alertPhase,
  alertSignal,
  nextWake,
  dueEscalations,
  raisesAcuity,
  type Alert,
  type AlertKind,
  type AlertSchedule,
  type AlertSubject,
  type AlertPhase,
} from './alerts.js';
export { jcsText, gcsText } from './detail.js';
export { triageText } from './text.js';
