import type { Session } from './sessions.js';
import { kioskAllowed } from './unlock.js';

/** Where a locked screen asks for the PIN (GET: the form; POST: unlock, or log off instead). */
export const UNLOCK_PATH = '/unlock';
/** POST `on=1|0` with the session's `_csrf`: kiosk mode on or off for this session. */
export const KIOSK_PATH = '/kiosk';

/**
 * The session a request acts as. A locked session acts as nobody, except in kiosk mode, where its
 * screen stays (views, panels, the live stream) and only actions are refused until the PIN is given
 * (routes.ts turns a locked session's action into a redirect to the unlock form).
 */
export const visibleSession = (session: Session | undefined): Session | undefined =>
  session === undefined || (session.locked && !session.kiosk) ? undefined : session;

/**
 * What a screen needs to know to offer kiosk mode and to show that its actions are locked (the
 * board's "tap to unlock" state). Panels get it in their context.
 */
export interface KioskState {
  /** This session's role may use kiosk mode and a PIN is set (kiosk actions need it). */
  readonly allowed: boolean;
  readonly on: boolean;
  /** Kiosk on and idle: the screen shows, actions need the PIN (UNLOCK_PATH). */
  readonly actionsLocked: boolean;
}

export const kioskState = (session: Session): KioskState => ({
  allowed: kioskAllowed(session.role) && session.pinSet,
  on: session.kiosk,
  actionsLocked: session.kiosk && session.locked,
});
