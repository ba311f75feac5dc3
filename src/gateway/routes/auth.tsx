import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { setCookie, deleteCookie } from 'hono/cookie';
import * as v from 'valibot';
import {
  authenticate,
  deviceCookieValue,
  hashScreenPin,
  isDeviceToken,
  newDeviceId,
  ScreenPin,
  UserId,
  UserRole,
  type Session,
} from '../auth/index.js';
import { cookieOptions } from '../http/cookies.js';
import type { GatewayEnv } from '../http/env.js';
import { clientAddress } from '../http/session.js';
import { ApiFailure } from '../http/errors.js';
import type { RouteRegistry } from '../http/routes.js';
import { translator } from '../i18n/index.js';
import type { GatewayParts } from '../parts.js';
import { lockRoutes } from './unlock.js';
import {
  LOGIN_ERRORS,
  LOGIN_FIELDS,
  LoginPage,
  type LoginError,
  type LoginFieldErrors,
} from '../ui/login-page.js';

const Credentials = {
  userId: UserId,
  password: v.pipe(v.string(), v.minLength(4), v.maxLength(200)),
  otp: v.pipe(v.string(), v.regex(/^\d{6}$/)),
  deviceToken: v.optional(v.pipe(v.string(), v.maxLength(200))),
  /** The screen-lock PIN for this session (optional; see auth/unlock.ts). */
  pin: v.optional(ScreenPin),
};
const LoginJson = v.object(Credentials);
/**
 * The form takes any text (bounded) so that a wrong shape is answered on the form itself, naming the
 * field and keeping what was typed, instead of a bare redirect (issue 15). The strict check follows.
 */
const Text = v.optional(v.pipe(v.string(), v.maxLength(200)), '');
const LoginForm = v.object({
  _csrf: v.string(),
  userId: Text,
  password: Text,
  otp: Text,
  deviceToken: v.optional(v.pipe(v.string(), v.maxLength(200))),
  pin: Text,
});
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

/** A fresh pre-session token per form: the log-in (and unlock) post double-submits it (login CSRF). */
export const freshFormToken = (c: Context<GatewayEnv>, parts: GatewayParts): string => {
  const csrf = randomBytes(24).toString('base64url');
  setCookie(c, parts.cookies.login, csrf, cookieOptions(parts.secure, 3600));
  return csrf;
};

export const instanceOf = (parts: GatewayParts) =>
  ({ role: parts.instance, id: parts.device, displayName: parts.displayName }) as const;

/** The log-in form, again after a failed attempt: user id and device code kept, secrets cleared. */
const loginPage = (
  c: Context<GatewayEnv>,
  parts: GatewayParts,
  error: LoginError | undefined,
  kept: { userId?: string; deviceToken?: string } = {},
  invalid: LoginFieldErrors = {},
  status: 200 | 400 | 403 | 429 = 200,
): Response | Promise<Response> => {
  const locale = c.get('locale');
  return c.html(
    <LoginPage
      locale={locale}
      t={translator(locale)}
      csrf={freshFormToken(c, parts)}
      enrolled={c.get('device') !== undefined}
      error={error}
      instance={instanceOf(parts)}
      screenLock={parts.screenLock}
      kept={kept}
      invalid={invalid}
    />,
    status,
  );
};

/**
 * The strict shape of a log-in form, or what is wrong with each field that is not in it (named on the
 * form): left empty, or not in the field's format.
 */
const checkForm = (
  body: v.InferOutput<typeof LoginForm>,
  enrolled: boolean,
  screenLock: boolean,
): { ok: true; value: v.InferOutput<typeof LoginJson> } | { ok: false; fields: LoginFieldErrors } => {
  const input = {
    userId: body.userId.trim(),
    password: body.password,
    otp: body.otp.trim(),
    ...(enrolled || body.deviceToken === undefined ? {} : { deviceToken: body.deviceToken }),
    ...(screenLock && body.pin !== '' ? { pin: body.pin } : {}),
  };
  const parsed = v.safeParse(LoginJson, input);
  const failed = new Set(parsed.success ? [] : parsed.issues.map((i) => i.path?.[0]?.key));
  // A browser not yet enrolled needs the device code: empty, it is a field to fill, not a wrong code.
  if (!enrolled && (body.deviceToken ?? '').trim() === '') failed.add('deviceToken');
  if (parsed.success && failed.size === 0) return { ok: true, value: parsed.output };
  const given: Readonly<Record<string, string | undefined>> = input;
  return {
    ok: false,
    fields: Object.fromEntries(
      LOGIN_FIELDS.filter((f) => failed.has(f)).map((f) => [
        f,
        (given[f] ?? '').trim() === '' ? 'required' : 'format',
      ]),
    ),
  };
};

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
  return { ok: true, session: await openSession(c, parts, result.value, input.pin) };
};

/**
 * A session for someone whose log-in succeeded (both factors, or a demo link): a locked session on
 * this browser ends, the screen-lock PIN is hashed, the browser is enrolled when it was not.
 */
export const openSession = async (
  c: Context<GatewayEnv>,
  parts: GatewayParts,
  user: { readonly id: string; readonly role: UserRole },
  pin: string | undefined,
): Promise<Session> => {
  // First, so a failed hash changes nothing.
  const pinHash =
    pin === undefined || !parts.screenLock ? undefined : await hashScreenPin(pin, parts.pinCost);
  const enrolled = c.get('device');
  const device = enrolled ?? newDeviceId();
  // A session left locked on this browser (someone else's shift, or ours before) ends here.
  const previous = c.get('session') ?? c.get('lockedSession');
  if (previous !== undefined) parts.sessions.end(previous.id);
  const session = parts.sessions.create(user.id, user.role, device, pinHash);
  parts.audit.record({
    device: parts.device,
    subject: null,
    purpose: null,
    reason: null,
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
  return session;
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
      // A locked screen is reopened with its PIN, not a new log-in (the live script comes here on idle).
      if (c.get('lockedSession') !== undefined && c.get('session') === undefined)
        return c.redirect('/unlock', 303);
      return loginPage(c, parts, query.error);
    },
  });
  routes.add({
    method: 'post',
    path: '/login',
    summary:
      'Log in from the form; 303 to the screen, or the form again with the error, user id and device code kept',
    access: { kind: 'public' },
    body: { kind: 'form', schema: LoginForm },
    redirectOnInvalid: '/login',
    response: { kind: 'redirect' },
    handler: async (c, { body }) => {
      deleteCookie(c, parts.cookies.login, cookieOptions(parts.secure));
      const enrolled = c.get('device') !== undefined;
      const kept = {
        userId: body.userId.trim(),
        ...(enrolled || body.deviceToken === undefined ? {} : { deviceToken: body.deviceToken.trim() }),
      };
      const checked = checkForm(body, enrolled, parts.screenLock);
      if (!checked.ok) return loginPage(c, parts, 'invalid-input', kept, checked.fields, 400);
      const outcome = await logIn(c, parts, checked.value);
      if (outcome.ok) return c.redirect('/', 303);
      const status = outcome.error === 'locked' ? 429 : 403;
      // A wrong device code is not kept: it is the one field that was wrong.
      const keep = outcome.error === 'device' ? { userId: kept.userId } : kept;
      return loginPage(c, parts, outcome.error, keep, {}, status);
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
  lockRoutes(routes, parts);
};
