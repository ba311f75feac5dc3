/**
 * Who may use an instance: users with two factors (password + TOTP), enrolled devices, sessions bound
 * to them, the screen lock (PIN unlock after idle) and kiosk mode. See docs/security.md.
 */
export { openAuthDatabase } from './database.js';
export { DemoLinks } from './demo-links.js';
export { loadDeviceToken, newDeviceId, deviceCookieValue, enrolledDevice, isDeviceToken } from './device.js';
export { authenticate, LoginFailure, type LoginAttempt, type LoginDeps } from './login.js';
export { hashPassword, verifyPassword, PRODUCTION_COST, type ScryptCost } from './password.js';
export { PIN_COST, PinCheck, checkPin, hashScreenPin, type PinCost } from './pin-hash.js';
export { issueCredentials, type IssuedCredentials } from './provision.js';
export { USER_ROLES, UserRole, UserId, rolesFor, screenRoleOf } from './roles.js';
export { SessionStore, type Session, type SessionLimits, type UnlockTicket } from './sessions.js';
export { LoginThrottle, type LoginClient } from './throttle.js';
export { base32Encode, base32Decode, totp, matchTotp, otpauthUri } from './totp.js';
export { ScreenPin, unlockSession, kioskAllowed, UnlockFailure } from './unlock.js';
export { UserStore, type UserRecord } from './users.js';
export { UNLOCK_PATH, KIOSK_PATH, visibleSession, kioskState, type KioskState } from './screen-lock.js';
