import { afterEach, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from './harness.js';

const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();
const FORM = 'application/x-www-form-urlencoded';

/** GET /login, then POST it with the given fields: the browser's path, cookies included. */
const loginWith = async (h: Harness, fields: Record<string, string>, extraCookie = ''): Promise<Response> => {
  const page = await h.request('/login', { headers: { cookie: extraCookie } });
  const setCookie = page.headers.get('set-cookie') ?? '';
  const loginCookie = /ems-login=([^;]+)/.exec(setCookie)?.[1] ?? '';
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  return h.request('/login', {
    method: 'POST',
    headers: { 'content-type': FORM, cookie: `ems-login=${loginCookie}; ${extraCookie}` },
    body: form({ _csrf: csrf, ...fields }),
  });
};

/** Where a log-in attempt ended: the screen ('/'), or the form again with its error code. */
const outcome = async (response: Response): Promise<string> =>
  response.status === 303
    ? (response.headers.get('location') ?? '')
    : `/login?error=${/data-error="([^"]+)"/.exec(await response.text())?.[1] ?? 'none'}`;

describe('login with two factors', () => {
  let h: Harness;
  afterEach(() => h.gateway.close());

  it('logs in with password + TOTP and enrols the device with its token', async () => {
    h = await openHarness('ambulance');
    const cred = await h.issue('crew-a', 'crew');
    const response = await loginWith(h, {
      userId: 'crew-a',
      password: cred.password,
      otp: h.code(cred.totpSecret),
      deviceToken: h.gateway.deviceToken,
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    const cookies = response.headers.get('set-cookie') ?? '';
    expect(cookies).toMatch(/ems-session=[^;]+; Path=\/; HttpOnly; SameSite=Strict/);
    expect(cookies).toMatch(/ems-device=/);
    const session = /ems-session=([^;]+)/.exec(cookies)?.[1] ?? '';
    const device = /ems-device=([^;]+)/.exec(cookies)?.[1] ?? '';
    const me = await h.request('/api/v1/session', {
      headers: { cookie: `ems-session=${session}; ems-device=${device}` },
    });
    expect(await me.json()).toMatchObject({ userId: 'crew-a', role: 'crew', instance: 'ambulance-test' });
    expect(h.gateway.audit.latest(1)[0]).toMatchObject({
      action: 'login',
      userId: 'crew-a',
      outcome: 'success',
    });
  });

  it('refuses a wrong code, a reused code, a missing device token, and a role not admitted here', async () => {
    h = await openHarness('ambulance');
    const cred = await h.issue('crew-b', 'crew');
    const device = h.deviceCookie();
    const wrong = await loginWith(h, { userId: 'crew-b', password: cred.password, otp: '000000' }, device);
    expect(await outcome(wrong)).toBe('/login?error=login-failed');
    const good = { userId: 'crew-b', password: cred.password, otp: h.code(cred.totpSecret) };
    expect(await outcome(await loginWith(h, good, device))).toBe('/');
    expect(await outcome(await loginWith(h, good, device))).toBe('/login?error=login-failed');
    h.clock.advance(30_000);
    const fresh = { ...good, otp: h.code(cred.totpSecret) };
    // No device code on a browser not enrolled: the field is named (required) and nothing is tried;
    // a wrong one is refused as such.
    expect(await outcome(await loginWith(h, fresh))).toBe('/login?error=invalid-input');
    expect(await outcome(await loginWith(h, { ...fresh, deviceToken: 'NOT-THE-CODE-123' }))).toBe(
      '/login?error=device',
    );
    const nurse = await h.issue('nurse-x', 'triage');
    const triage = { userId: 'nurse-x', password: nurse.password, otp: h.code(nurse.totpSecret) };
    expect(await outcome(await loginWith(h, triage, device))).toBe('/login?error=login-failed');
  });

  it('locks the account after five failures', async () => {
    h = await openHarness('hospital');
    const cred = await h.issue('nurse-a', 'triage');
    const device = h.deviceCookie();
    for (let i = 0; i < 5; i += 1)
      await loginWith(h, { userId: 'nurse-a', password: 'wrong-password', otp: '123456' }, device);
    const good = { userId: 'nurse-a', password: cred.password, otp: h.code(cred.totpSecret) };
    expect(await outcome(await loginWith(h, good, device))).toBe('/login?error=locked');
    h.clock.advance(15 * 60_000 + 30_000);
    const later = { ...good, otp: h.code(cred.totpSecret) };
    expect(await outcome(await loginWith(h, later, device))).toBe('/');
  });

  it('refuses the login form without its CSRF token', async () => {
    h = await openHarness('dispatch');
    const response = await h.request('/login', {
      method: 'POST',
      headers: { 'content-type': FORM },
      body: form({ _csrf: 'x', userId: 'abc', password: 'abcd', otp: '123456' }),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 'csrf-failed' });
  });

  it('refuses a cross-site form post even with a valid token', async () => {
    h = await openHarness('dispatch');
    const { cookie, csrf } = h.session('dispatcher');
    const response = await h.request('/logout', {
      method: 'POST',
      headers: { 'content-type': FORM, cookie, origin: 'https://evil.example' },
      body: form({ _csrf: csrf }),
    });
    expect(response.status).toBe(403);
    const ok = await h.request('/logout', {
      method: 'POST',
      headers: { 'content-type': FORM, cookie },
      body: form({ _csrf: csrf }),
    });
    expect(ok.status).toBe(303);
  });

  it('logs off after the configured inactivity; background requests do not keep it alive', async () => {
    h = await openHarness('hospital', { auth: { idleLogoutSeconds: 60 } });
    const cookie = h.cookie('triage');
    h.clock.advance(50_000);
    expect((await h.request('/api/v1/session', { headers: { cookie } })).status).toBe(200);
    h.clock.advance(50_000);
    const background = await h.request('/panels/incoming', { headers: { cookie, 'x-ems-background': '1' } });
    expect(background.status).toBe(200);
    h.clock.advance(15_000);
    expect((await h.request('/api/v1/session', { headers: { cookie } })).status).toBe(401);
    const screen = await h.request('/', { headers: { cookie } });
    expect(screen.status).toBe(303);
    expect(screen.headers.get('location')).toBe('/login');
  });

  it('JSON login for API clients takes the device token in the body', async () => {
    h = await openHarness('dispatch');
    const cred = await h.issue('disp-a', 'dispatcher');
    const response = await h.request('/api/v1/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        userId: 'disp-a',
        password: cred.password,
        otp: h.code(cred.totpSecret),
        deviceToken: h.gateway.deviceToken,
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      userId: 'disp-a',
      role: 'dispatcher',
      remainingSeconds: 300,
    });
  });
});

describe('secure cookies over HTTPS', () => {
  it('uses __Host- names with Secure', async () => {
    const h = await openHarness('ambulance', {
      http: { host: '0.0.0.0', tls: { certFile: '/nonexistent.crt', keyFile: '/nonexistent.key' } },
    });
    const page = await h.request('/login');
    expect(page.headers.get('set-cookie')).toMatch(
      /^__Host-ems-login=[^;]+; Max-Age=3600; Path=\/; HttpOnly; Secure; SameSite=Strict/,
    );
    h.gateway.close();
  });
});
