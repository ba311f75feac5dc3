export { Readiness, type ReadinessCheck, type CheckState } from './readiness.js';
export { startServer, type HttpSettings, type RunningServer, type FetchApp } from './server.js';
export {
  openGateway,
  usersFileOf,
  auditFileOf,
  DEFAULT_BODY_LIMIT,
  type Gateway,
  type GatewayOptions,
  type AccessReason,
} from './gateway.js';
export type { GatewayEnv } from './http/env.js';
export type { RouteSpec, RouteInfo, Access } from './http/routes.js';
export { ApiErrorCode, ApiFailure } from './http/errors.js';
export { validate } from './http/validation.js';
export { LiveHub, type LiveEvent } from './live.js';
export {
  PanelRegistry,
  PANEL_IDS,
  type PanelId,
  type PanelRenderer,
  type PanelContext,
} from './ui/panels.js';
export {
  USER_ROLES,
  UserRole,
  UserId,
  rolesFor,
  UserStore,
  deviceCookieValue,
  hashPassword,
  PRODUCTION_COST,
  base32Encode,
  base32Decode,
  totp,
  otpauthUri,
  issueCredentials,
  // The screen lock and kiosk mode (docs/security.md): panels read `PanelContext.kiosk`.
  UNLOCK_PATH,
  KIOSK_PATH,
  kioskAllowed,
  kioskState,
  type KioskState,
  type UserRole as UserRoleName,
  type UserRecord,
  type ScryptCost,
  type IssuedCredentials,
} from './auth/index.js';
export {
  AuditLog,
  readAuditFile,
  verifyLog,
  ed25519Verify,
  toAuditEvent,
  toAuditBundle,
  AuditProblemKind,
  type AuditEntry,
  type AuditProblem,
} from './audit/index.js';
export { translator, formatJst, relativeAge, type Locale, type Translate } from './i18n/index.js';
export { Layout, Panel, Empty } from './ui/layout.js';
export { Time } from './ui/screens.js';
// The screens' component layer (docs/components.md): every screen builds its markup from these.
export * from './ui/components/index.js';
export { FIELD_ERRORS, numberInRange, type FieldErrorCode, type FormState } from './ui/form-state.js';
export type { LinkState } from './live.js';
