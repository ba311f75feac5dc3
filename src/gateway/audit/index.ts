export { AuditInput, AUDIT_ACTIONS, type AuditAction, type AuditEntry, type Checkpoint } from './entry.js';
export { AuditLog, readAuditFile } from './store.js';
export { loadOrCreateSigner, ed25519Verify, type CheckpointSigner } from './signer.js';
export { verifyLog, AuditProblemKind, type AuditProblem, type VerifiedLog } from './verify.js';
export { toAuditEvent, toAuditBundle } from './fhir.js';
