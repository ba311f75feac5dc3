import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { setCookie, deleteCookie } from 'hono/cookie';
import * as v from 'valibot';
import { authenticate } from '../auth/login.js';
import { deviceCookieValue, isDeviceToken, newDeviceId } from '../auth/device.js';
import { UserId, UserRole } from '../auth/roles.js';
import type { Session } from '../auth/sessions.js';
import { cookieOptions } from '../http/cookies.js';
import type { GatewayEnv } from '../http/env.js';
import { clientAddress } from '../http/session.js';
import { ApiFailure } from '../http/errors.js';
import type { RouteRegistry } from '../http/routes.js';
import { translator } from '../i18n/index.js';
import type { GatewayParts } from '../parts.js';
import { LOGIN_ERRORS, LoginPage } from '../ui/login-page.js';

const Credentials = {
  userId: UserId,
  password: v.pipe(v.string(), v.minLength(4), v.maxLength(200)),
  otp: v.pipe(v.string(), v.regex(/^\d{6}$/)),
  deviceToken: v.optional(v.pipe(v.string(), v.maxLength(200))),
};
const LoginForm = v.object({ ...Credentials, _csrf: v.string() });
const LoginJson = v.object(Credentials);
const LogoutForm = v.object({ _csrf: v.string() });
const LoginQuery = v.object({ error: v.optional(v.picklist(LOGIN_ERRORS)), lang: v.optional(v.string()) });
const SessionInfo = v.object({
  userId: v.string(),
  role: UserRole,
  instance: v.string(),
  csrf: v.string(),
  remainingSeconds: v.number(),
});

const DEVICE_COOKIE_DAYS = 365;

type Outcome = { ok: true; session: Session } | { ok: false; error: 'login-failed' | 'locked' | 'device' };

/** Both factors, the device's enrolment, the audit entry and the cookies: shared by the form and JSON login. */
const logIn = async (
  c: Context<GatewayEnv>,
  parts: GatewayParts,
  input: v.InferOutput<typeof LoginJson>,
): Promise<Outcome> => {
  const enrolled = c.get('device');
  const result = await authenticate(
    {
      users: parts.users,
      throttle: parts.throttle,
      admitted: parts.admitted,
      dummyHash: parts.dummyHash,
      deviceAdmitted:
        enrolled !== undefined ||
        (input.deviceToken !== undefined && isDeviceToken(input.deviceToken, parts.deviceToken)),
    },
    input,
    { address: clientAddress(c), device: enrolled },
    parts.clock.now(),
  );
  const base = { device: parts.device, subject: null, purpose: null, reason: null } as const;
  if (!result.ok) {
    if (result.error.code === 'device') return { ok: false, error: 'device' };
    // An unknown id is not recorded: it could be anything typed into the field, even a patient's name.
    const known = result.error.known ? parts.users.get(input.userId) : undefined;
    parts.audit.record({
      ...base,
      role: known?.role ?? null,
      userId: known?.id ?? null,
      action: 'login-failed',
      outcome: 'failure',
    });
    return { ok: false, error: result.error.code === 'throttled' ? 'locked' : 'login-failed' };
  }
  const device = enrolled ?? newDeviceId();
  const session = parts.sessions.create(result.value.id, result.value.role, device);
  parts.audit.record({
    ...base,
    role: session.role,
    userId: session.userId,
    action: 'login',
    outcome: 'success',
  });
  setCookie(c, parts.cookies.session, session.id, cookieOptions(parts.secure));
  if (enrolled === undefined)
    setCookie(
      c,
      parts.cookies.device,
      deviceCookieValue(parts.deviceToken, device),
      cookieOptions(parts.secure, DEVICE_COOKIE_DAYS * 86400),
    );
  return { ok: true, session };
};

const sessionInfo = (parts: GatewayParts, s: Session): v.InferOutput<typeof SessionInfo> => ({
  userId: s.userId,
  role: s.role,
  instance: parts.device,
  csrf: s.csrf,
  remainingSeconds: Math.floor(parts.sessions.remainingMs(s) / 1000),
});

export const authRoutes = (routes: RouteRegistry, parts: GatewayParts): void => {
  routes.add({
    method: 'get',
    path: '/login',
    summary: 'Login form (user id, password, TOTP code; device code on a browser not yet enrolled)',
    access: { kind: 'public' },
    query: LoginQuery,
    response: { kind: 'html' },
    handler: (c, { query }) => {
      // A fresh pre-session token per form: the login post double-submits it (login CSRF).
      const csrf = randomBytes(24).toString('base64url');
      setCookie(c, parts.cookies.login, csrf, cookieOptions(parts.secure, 3600));
      const locale = c.get('locale');
      return c.html(
        <LoginPage
          locale={locale}
          t={translator(locale)}
          csrf={csrf}
          enrolled={c.get('device') !== undefined}
          error={query.error}
        />,
      );
    },
  });
  routes.add({
    method: 'post',
    path: '/login',
    summary: 'Log in from the form; 303 to the screen, or back to the form with an error code',
    access: { kind: 'public' },
    body: { kind: 'form', schema: LoginForm },
    redirectOnInvalid: '/login',
    response: { kind: 'redirect' },
    handler: async (c, { body }) => {
      deleteCookie(c, parts.cookies.login, cookieOptions(parts.secure));
      const outcome = await logIn(c, parts, body);
      return c.redirect(outcome.ok ? '/' : `/login?error=${outcome.error}`, 303);
    },
  });
  routes.add({
    method: 'post',
    path: '/api/v1/login',
    summary: 'Log in (JSON, for API clients); sets the session cookie',
    access: { kind: 'public' },
    body: { kind: 'json', schema: LoginJson },
    response: { kind: 'json', schema: SessionInfo },
    handler: async (c, { body }) => {
      const outcome = await logIn(c, parts, body);
      if (!outcome.ok)
        throw new ApiFailure(outcome.error === 'locked' ? 'too-many-attempts' : 'unauthenticated');
      return c.json(sessionInfo(parts, outcome.session));
    },
  });
  routes.add({
    method: 'post',
    path: '/logout',
    summary: 'Log off',
    access: { kind: 'user' },
    body: { kind: 'form', schema: LogoutForm },
    response: { kind: 'redirect' },
    handler: (c) => {
      const session = c.get('session');
      if (session !== undefined) {
        parts.sessions.end(session.id);
        parts.audit.record({
          device: parts.device,
          role: session.role,
          userId: session.userId,
          action: 'logout',
          subject: null,
          purpose: null,
          reason: null,
          outcome: 'success',
        });
      }
      deleteCookie(c, parts.cookies.session, cookieOptions(parts.secure));
      return c.redirect('/login', 303);
    },
  });
  routes.add({
    method: 'get',
    path: '/api/v1/session',
    summary: 'Who is logged in, and seconds left before automatic log-off',
    access: { kind: 'user' },
    response: { kind: 'json', schema: SessionInfo },
    handler: (c) => {
      const session = c.get('session');
      if (session === undefined) throw new ApiFailure('unauthenticated');
      return c.json(sessionInfo(parts, session));
    },
  });
};
