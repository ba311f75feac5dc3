import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from './harness.js';

const FORM = 'application/x-www-form-urlencoded';

/** The cookies a browser keeps from a response (name=value), merged over the ones it had. */
const keep = (jar: Map<string, string>, response: Response): void => {
  for (const line of response.headers.getSetCookie()) {
    const [pair = ''] = line.split(';');
    const at = pair.indexOf('=');
    const name = pair.slice(0, at);
    const value = pair.slice(at + 1);
    if (/Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(line) || value === '') jar.delete(name);
    else jar.set(name, value);
  }
};
const header = (jar: Map<string, string>): string => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

/** A browser on one instance: a cookie jar, GETs, and form posts that carry the page's token. */
class Browser {
  readonly jar = new Map<string, string>();
  constructor(private readonly h: Harness) {}

  async get(path: string): Promise<Response> {
    const response = await this.h.request(path, { headers: { cookie: header(this.jar) } });
    keep(this.jar, response);
    return response;
  }

  /** GETs the form page, then posts its form with the page's `_csrf` and these fields. */
  async submit(page: string, action: string, fields: Record<string, string>): Promise<Response> {
    const html = await (await this.get(page)).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const response = await this.h.request(action, {
      method: 'POST',
      headers: { 'content-type': FORM, cookie: header(this.jar) },
      body: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
    });
    keep(this.jar, response);
    return response;
  }

  /** Log in with both factors (enrolling this browser), with a screen-lock PIN or without. */
  async logIn(
    userId: string,
    secrets: { password: string; totpSecret: string },
    pin = '',
  ): Promise<Response> {
    return this.submit('/login', '/login', {
      userId,
      password: secrets.password,
      otp: this.h.code(secrets.totpSecret),
      deviceToken: this.h.gateway.deviceToken,
      pin,
    });
  }
}

/** The `<input>` element with this id, as rendered. */
const inputOf = (html: string, id: string): string =>
  new RegExp(`<input[^>]*\\sid="${id}"[^>]*>`).exec(html)?.[0] ?? '';
const valueOf = (html: string, id: string): string | undefined =>
  /\svalue="([^"]*)"/.exec(inputOf(html, id))?.[1];

describe('log-in that fits a shift (issue 15)', () => {
  let h: Harness;
  afterEach(() => h.gateway.close());

  it('a failed log-in keeps the user id and the 16-character device code; only the secrets are cleared', async () => {
    h = await openHarness('ambulance');
    const cred = await h.issue('crew-a', 'crew');
    const b = new Browser(h);
    const failed = await b.submit('/login', '/login', {
      userId: 'crew-a',
      password: 'not-the-password',
      otp: h.code(cred.totpSecret),
      deviceToken: h.gateway.deviceToken,
      pin: '4321',
    });
    expect(failed.status).toBe(403);
    const html = await failed.text();
    expect(html).toContain('data-error="login-failed"');
    expect(h.gateway.deviceToken).toHaveLength(16);
    expect(valueOf(html, 'userId')).toBe('crew-a');
    expect(valueOf(html, 'deviceToken')).toBe(h.gateway.deviceToken);
    expect(valueOf(html, 'password')).toBeUndefined();
    expect(valueOf(html, 'otp') ?? '').toBe('');
    expect(valueOf(html, 'pin')).toBeUndefined();
    expect(html).not.toContain('not-the-password');
    expect(html).not.toContain('4321');
  });

  it('a field of the wrong shape is named on the form (summary and field), the user id kept', async () => {
    h = await openHarness('hospital');
    const b = new Browser(h);
    const response = await b.submit('/login', '/login', {
      userId: 'nurse-a',
      password: 'whatever-1',
      otp: '12345',
      deviceToken: 'abc',
      pin: '12',
    });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('data-error="invalid-input"');
    expect(html).toContain('href="#otp"');
    expect(html).toContain('href="#pin"');
    expect(html).not.toContain('href="#userId"');
    expect(inputOf(html, 'otp')).toContain('aria-invalid="true"');
    // The same sentence in the summary and at the field, in the page's language, with the format.
    const otpError = '確認コードは半角数字で入力してください（認証アプリの6桁の数字）';
    expect(html).toContain(`<a href="#otp">${otpError}</a>`);
    expect(html).toMatch(
      new RegExp(`id="otp-error"[^>]*><span class="visually-hidden">エラー：</span>${otpError}`),
    );
    expect(html).toContain('<a href="#pin">');
    expect(valueOf(html, 'userId')).toBe('nurse-a');
    expect(valueOf(html, 'deviceToken')).toBe('abc');
  });

  it('says why the log-in page is shown after a spent demo link, an idle log-off or too many wrong PINs', async () => {
    h = await openHarness('ambulance');
    for (const [error, ja, en] of [
      ['demo-link', 'このデモ用リンクは使用済みか期限切れです', 'This demo link was used already'],
      ['idle', '一定時間操作がなかったため', 'logged off after a period of inactivity'],
      ['ended', '暗証番号の誤りが続いたため', 'too many wrong PINs'],
    ] as const) {
      const page = await h.request(`/login?error=${error}&lang=ja`);
      expect(page.status, error).toBe(200);
      const html = await page.text();
      expect(html).toContain(`data-banner="${error}"`);
      expect(html).toContain(ja);
      expect(await (await h.request(`/login?error=${error}&lang=en`)).text()).toContain(en);
    }
  });

  it('names the instance on the log-in page', async () => {
    h = await openHarness('ambulance', { displayName: '救急車 3号' });
    const ja = await (await h.request('/login?lang=ja')).text();
    expect(ja).toContain('救急隊: <strong>救急車 3号</strong> (ambulance-test)');
    const en = await (await h.request('/login?lang=en')).text();
    expect(en).toContain('Ambulance: <strong>救急車 3号</strong> (ambulance-test)');
  });

  it('idle with a PIN locks the screen (data hidden, nothing ends); the PIN unlocks it without a new log-in', async () => {
    h = await openHarness('ambulance', { auth: { idleLogoutSeconds: 60 } });
    const cred = await h.issue('crew-b', 'crew');
    const b = new Browser(h);
    expect((await b.logIn('crew-b', cred, '2468')).headers.get('location')).toBe('/');
    expect((await b.get('/')).status).toBe(200);
    h.clock.advance(61_000);
    // Locked: the screen, its panels and the API act as nobody; the person is sent to the PIN form.
    const screen = await b.get('/');
    expect(screen.status).toBe(303);
    expect(screen.headers.get('location')).toBe('/unlock');
    expect((await b.get('/panels/card')).headers.get('location')).toBe('/unlock');
    const api = await b.get('/api/v1/session');
    expect(api.status).toBe(401);
    expect(await api.json()).toMatchObject({ code: 'locked' });
    expect((await b.get('/login?error=idle')).headers.get('location')).toBe('/unlock');
    const lockedPage = await (await b.get('/unlock')).text();
    expect(lockedPage).toContain('data-locked-user="crew-b"');
    // Still locked after any amount of background polling.
    h.clock.advance(3600_000);
    const unlocked = await b.submit('/unlock', '/unlock', { pin: '2468', action: 'unlock' });
    expect(unlocked.headers.get('location')).toBe('/');
    expect((await b.get('/')).status).toBe(200);
    const actions = h.gateway.audit.latest(3).map((e) => e.action);
    expect(actions).toContain('unlock');
  });

  it('limits wrong PINs: the tries left are said in words, the last ends the session (then the full log-in)', async () => {
    h = await openHarness('ambulance', { auth: { idleLogoutSeconds: 60, pinTries: 3 } });
    const cred = await h.issue('crew-c', 'crew');
    const b = new Browser(h);
    await b.logIn('crew-c', cred, '135790');
    h.clock.advance(60_000);
    // A PIN of the wrong shape could not be anyone's PIN: no try spent.
    const shape = await b.submit('/unlock', '/unlock', { pin: '12', action: 'unlock' });
    expect(shape.status).toBe(400);
    expect(await shape.text()).toContain('残り 3 回');
    const first = await b.submit('/unlock', '/unlock', { pin: '000000', action: 'unlock' });
    expect(first.status).toBe(403);
    const refused = await first.text();
    expect(refused).toContain('残り 2 回');
    // Named at the field too, not only in the summary (GOV.UK: the error next to its field).
    expect(refused).toMatch(/<span class="field__error" id="pin-error"[^>]*>.*暗証番号が正しくありません。/s);
    expect(refused).toMatch(/<input[^>]*id="pin"[^>]*aria-invalid="true"/s);
    const second = await (await b.submit('/unlock', '/unlock', { pin: '111111', action: 'unlock' })).text();
    expect(second).toContain('残り 1 回');
    const last = await b.submit('/unlock', '/unlock', { pin: '222222', action: 'unlock' });
    expect(last.headers.get('location')).toBe('/login?error=ended');
    // The session is gone: nothing left to unlock, the screen wants the full log-in.
    expect((await b.get('/unlock')).headers.get('location')).toBe('/login');
    expect((await b.get('/')).headers.get('location')).toBe('/login');
    expect(h.gateway.audit.latest(3).map((e) => e.action)).toEqual([
      'unlock-failed',
      'unlock-failed',
      'unlock-failed',
    ]);
  });

  it('counts concurrent wrong PINs: no more guesses than tries', async () => {
    h = await openHarness('ambulance', { auth: { idleLogoutSeconds: 60, pinTries: 3 } });
    const cred = await h.issue('crew-d', 'crew');
    const b = new Browser(h);
    await b.logIn('crew-d', cred, '8642');
    h.clock.advance(60_000);
    const html = await (await b.get('/unlock')).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const guesses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        h.request('/unlock', {
          method: 'POST',
          headers: { 'content-type': FORM, cookie: header(b.jar) },
          body: new URLSearchParams({ _csrf: csrf, pin: `100${i}`, action: 'unlock' }).toString(),
        }),
      ),
    );
    expect(guesses.filter((r) => r.status === 403)).toHaveLength(2);
    expect(h.gateway.audit.latest(20).filter((e) => e.action === 'unlock-failed').length).toBeLessThanOrEqual(
      8,
    );
    expect((await b.get('/unlock')).headers.get('location')).toBe('/login');
  });

  it('the locked screen logs off so the next person can log in', async () => {
    h = await openHarness('hospital', { auth: { idleLogoutSeconds: 60 } });
    const cred = await h.issue('nurse-b', 'triage');
    const b = new Browser(h);
    await b.logIn('nurse-b', cred, '5555');
    h.clock.advance(60_000);
    const off = await b.submit('/unlock', '/unlock', { pin: '', action: 'logout' });
    expect(off.headers.get('location')).toBe('/login');
    expect((await b.get('/unlock')).headers.get('location')).toBe('/login');
    expect(h.gateway.audit.latest(1)[0]).toMatchObject({ action: 'logout', userId: 'nurse-b' });
  });

  it('without a PIN, idle still logs off (screenLock off: no PIN field at all)', async () => {
    h = await openHarness('ambulance', { auth: { idleLogoutSeconds: 60, screenLock: false } });
    expect(await (await h.request('/login')).text()).not.toContain('id="pin"');
    const cred = await h.issue('crew-e', 'crew');
    const b = new Browser(h);
    await b.logIn('crew-e', cred, '1234');
    h.clock.advance(60_000);
    expect((await b.get('/')).headers.get('location')).toBe('/login');
  });

  it('kiosk mode: the board stays on screen while idle; actions need the PIN; only with a PIN, never on the tablet', async () => {
    h = await openHarness('hospital', { auth: { idleLogoutSeconds: 60 } });
    const cred = await h.issue('nurse-k', 'triage');
    const b = new Browser(h);
    await b.logIn('nurse-k', cred, '97531');
    expect(await (await b.get('/')).text()).toContain('data-kiosk="off"');
    const on = await b.submit('/', '/kiosk', { on: '1' });
    expect(on.headers.get('location')).toBe('/');
    const screen = await (await b.get('/')).text();
    expect(screen).toContain('data-kiosk="on"');
    expect(screen).toContain('data-idle-ms="0"');
    h.clock.advance(10 * 60_000);
    // Idle: still on screen, panels and the session answer; the live stream is not ended.
    expect((await b.get('/')).status).toBe(200);
    expect((await b.get('/panels/incoming')).status).toBe(200);
    // An action (here: leaving kiosk mode) goes to the PIN form first.
    const action = await b.submit('/', '/kiosk', { on: '0' });
    expect(action.headers.get('location')).toBe('/unlock');
    expect(await (await b.get('/unlock')).text()).toContain('data-locked-user="nurse-k"');
    expect(
      (await b.submit('/unlock', '/unlock', { pin: '97531', action: 'unlock' })).headers.get('location'),
    ).toBe('/');
    expect((await b.submit('/', '/kiosk', { on: '0' })).headers.get('location')).toBe('/');
    expect(h.gateway.audit.latest(10).map((e) => e.action)).toEqual(
      expect.arrayContaining(['kiosk-on', 'unlock', 'kiosk-off']),
    );

    // No PIN: no kiosk (it could never be unlocked for an action).
    const other = await h.issue('nurse-n', 'triage');
    h.clock.advance(30_000);
    const c = new Browser(h);
    await c.logIn('nurse-n', other);
    expect(await (await c.get('/')).text()).not.toContain('data-kiosk');
    expect((await c.submit('/', '/kiosk', { on: '1' })).status).toBe(409);
  });

  it('adds the screen-lock columns to a users.db written before them', async () => {
    h = await openHarness('hospital');
    const dataDir = h.dataDir;
    h.gateway.close();
    const db = new Database(join(dataDir, 'users.db'));
    db.exec(`DROP TABLE sessions; CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL,
      role TEXT NOT NULL, device TEXT NOT NULL, created_at INTEGER NOT NULL, last_active_at INTEGER NOT NULL) STRICT;`);
    db.close();
    h = await openHarness('hospital', { dataDir });
    const cred = await h.issue('nurse-m', 'triage');
    const b = new Browser(h);
    expect((await b.logIn('nurse-m', cred, '4444')).headers.get('location')).toBe('/');
  });
});
