export { mountDispatch, type DispatchParts, type DispatchMountOptions } from './mount.js';
export { StatusBoard, STATUS_REJECTION, type StatusRejection, type BoardEntry } from './status-board.js';
export { InquiryDesk, type InquiryDeskEvents } from './inquiry-desk.js';
export { DispatchCases } from './cases.js';
export { CASES_FILE, SqliteCaseStore, caseRetention, type StoredCase } from './case-store.js';
export { TimelineStore } from './timeline-store.js';
export { loadRegion } from './region.js';
export { SAMPLE_PLACES } from './places.js';
export { UnitDesk, ASSIGN_ERROR, type AssignError, type UnitDeskEvents } from './unit-desk.js';
