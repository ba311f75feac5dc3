import type { Context } from 'hono';
import { deleteCookie } from 'hono/cookie';
import * as v from 'valibot';
import {
  KIOSK_PATH,
  kioskAllowed,
  ScreenPin,
  screenRoleOf,
  UNLOCK_PATH,
  unlockSession,
  type Session,
} from '../auth/index.js';
import type { AuditInput } from '../audit/index.js';
import { cookieOptions } from '../http/cookies.js';
import type { GatewayEnv } from '../http/env.js';
import { ApiFailure } from '../http/errors.js';
import type { RouteRegistry } from '../http/routes.js';
import { translator } from '../i18n/index.js';
import type { GatewayParts } from '../parts.js';
import { UnlockPage } from '../ui/login-page.js';
import { freshFormToken, instanceOf } from './auth.js';

const UnlockForm = v.object({
  _csrf: v.string(),
  pin: v.optional(v.pipe(v.string(), v.maxLength(200)), ''),
  action: v.optional(v.picklist(['unlock', 'logout']), 'unlock'),
});
const KioskForm = v.object({ _csrf: v.string(), on: v.picklist(['1', '0']) });

const record = (parts: GatewayParts, s: Session, action: AuditInput['action'], ok: boolean): void => {
  parts.audit.record({
    device: parts.device,
    role: s.role,
    userId: s.userId,
    action,
    subject: null,
    purpose: null,
    reason: null,
    outcome: ok ? 'success' : 'failure',
  });
};

const unlockPage = (
  c: Context<GatewayEnv>,
  parts: GatewayParts,
  s: Session,
  error: 'wrong-pin' | 'invalid-input' | undefined,
  triesLeft: number,
): Response | Promise<Response> => {
  const locale = c.get('locale');
  return c.html(
    <UnlockPage
      locale={locale}
      t={translator(locale)}
      csrf={freshFormToken(c, parts)}
      instance={instanceOf(parts)}
      userId={s.userId}
      triesLeft={triesLeft}
      error={error}
      kiosk={s.kiosk}
    />,
    error === undefined ? 200 : error === 'invalid-input' ? 400 : 403,
  );
};

/** Where someone without a locked session belongs: their screen, or the log-in form. */
const notLocked = (c: Context<GatewayEnv>): Response =>
  c.redirect(c.get('session') === undefined ? '/login' : '/', 303);

/**
 * The screen lock: the unlock form (PIN, or log off so the next person can log in) and kiosk mode.
 * The unlock form is public like the log-in form (a locked session acts as nobody), with the same
 * double-submitted pre-session token against login CSRF.
 */
export const lockRoutes = (routes: RouteRegistry, parts: GatewayParts): void => {
  routes.add({
    method: 'get',
    path: UNLOCK_PATH,
    summary: 'The locked screen: PIN unlock, or log off (no patient data shown)',
    access: { kind: 'public' },
    response: { kind: 'html' },
    handler: (c) => {
      const locked = c.get('lockedSession');
      if (locked === undefined) return notLocked(c);
      return unlockPage(c, parts, locked, undefined, parts.pinTries - locked.pinFailures);
    },
  });
  routes.add({
    method: 'post',
    path: UNLOCK_PATH,
    summary: 'Unlock a locked session with its PIN (limited tries, then the full log-in), or log it off',
    access: { kind: 'public' },
    body: { kind: 'form', schema: UnlockForm },
    redirectOnInvalid: UNLOCK_PATH,
    response: { kind: 'redirect' },
    handler: async (c, { body }) => {
      deleteCookie(c, parts.cookies.login, cookieOptions(parts.secure));
      const locked = c.get('lockedSession');
      if (locked === undefined) return notLocked(c);
      const triesLeft = parts.pinTries - locked.pinFailures;
      if (body.action === 'logout') {
        parts.sessions.end(locked.id);
        record(parts, locked, 'logout', true);
        deleteCookie(c, parts.cookies.session, cookieOptions(parts.secure));
        return c.redirect('/login', 303);
      }
      // A PIN of the wrong shape spends no try: it could not have been anyone's PIN.
      if (!v.is(ScreenPin, body.pin)) return unlockPage(c, parts, locked, 'invalid-input', triesLeft);
      const result = await unlockSession(parts.sessions, locked, body.pin, parts.pinTries, parts.pinCost);
      if (result.ok) {
        record(parts, locked, 'unlock', true);
        return c.redirect('/', 303);
      }
      record(parts, locked, 'unlock-failed', false);
      if (result.error.code === 'wrong-pin')
        return unlockPage(c, parts, locked, 'wrong-pin', result.error.triesLeft);
      deleteCookie(c, parts.cookies.session, cookieOptions(parts.secure));
      return c.redirect('/login?error=ended', 303);
    },
  });
  // Only where the screen is one kiosk mode is for (not on the crew's tablet).
  if (!kioskAllowed(screenRoleOf(parts.instance))) return;
  routes.add({
    method: 'post',
    path: KIOSK_PATH,
    summary:
      'Kiosk mode on/off (triage board, dispatch wall; needs the screen-lock PIN): the screen stays while idle, actions need the PIN',
    access: { kind: 'roles', roles: ['triage', 'dispatcher'] },
    body: { kind: 'form', schema: KioskForm },
    redirectOnInvalid: '/',
    response: { kind: 'redirect' },
    handler: (c, { body }) => {
      const session = c.get('session');
      if (session === undefined) throw new ApiFailure('unauthenticated');
      const on = body.on === '1';
      // Without a PIN a kiosk could never be unlocked for an action: refused, not silently ignored.
      if (!kioskAllowed(session.role) || !parts.sessions.setKiosk(session.id, on))
        throw new ApiFailure('conflict');
      record(parts, session, on ? 'kiosk-on' : 'kiosk-off', true);
      return c.redirect('/', 303);
    },
  });
};
