import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/gateway/index.js';
import { httpRequest } from '../support/http-client.js';
import { openHarness, type Harness } from './harness.js';

/** Issue 12 ("Also"): Host allow-list (DNS rebinding), HSTS, cross-site JSON posts, the style sheet. */
describe('web hardening', () => {
  let h: Harness;
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    h.gateway.close();
  });

  it('refuses a Host it does not answer to, over a real socket (DNS rebinding cannot read /metrics)', async () => {
    h = await openHarness('dispatch', {
      http: { host: '127.0.0.1', allowedHosts: ['ems.dispatch.example'] },
    });
    server = await startServer(h.gateway.app, { host: '127.0.0.1', port: 0 });
    const port = new URL(server.url).port;
    const metrics = (host: string) => httpRequest(`${server?.url}/metrics`, { headers: { host } });
    const rebound = await metrics(`attacker.example:${port}`);
    expect(rebound.status).toBe(421);
    expect(rebound.body).not.toContain('ems_');
    expect((await metrics(`127.0.0.1:${port}`)).status).toBe(200);
    expect((await metrics(`localhost:${port}`)).status).toBe(200);
    expect((await metrics(`EMS.dispatch.example:${port}`)).status).toBe(200);
    expect((await httpRequest(`${server.url}/login`, { headers: { host: 'attacker.example' } })).status).toBe(
      421,
    );
  });

  it('sends HSTS under HTTPS only', async () => {
    h = await openHarness('ambulance', {
      http: { host: '0.0.0.0', tls: { certFile: '/nonexistent.crt', keyFile: '/nonexistent.key' } },
    });
    const secure = await h.request('https://localhost/login');
    expect(secure.headers.get('strict-transport-security')).toBe('max-age=31536000');
    h.gateway.close();
    h = await openHarness('ambulance');
    expect((await h.request('/login')).headers.get('strict-transport-security')).toBeNull();
  });

  it('refuses a cross-site JSON post (the log-in API) before looking at it', async () => {
    h = await openHarness('hospital');
    const cred = await h.issue('nurse-x', 'triage');
    const body = JSON.stringify({
      userId: 'nurse-x',
      password: cred.password,
      otp: h.code(cred.totpSecret),
      deviceToken: h.gateway.deviceToken,
    });
    const post = (headers: Record<string, string>) =>
      h.request('/api/v1/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    const cross = await post({ 'sec-fetch-site': 'cross-site' });
    expect(cross.status).toBe(403);
    expect(await cross.json()).toMatchObject({ code: 'csrf-failed' });
    expect((await post({ origin: 'https://attacker.example' })).status).toBe(403);
    // An API client (no browser headers) still logs in.
    expect((await post({})).status).toBe(200);
  });

  it('renders the screens’ style sheet as written, so its rules apply', async () => {
    h = await openHarness('hospital');
    const page = await (await h.request('/login')).text();
    // One stylesheet for every screen, served as a file of its own (issue 15): no escaped CSS in pages.
    expect(page).toContain('<link rel="stylesheet" href="/assets/ui.css"/>');
    const sheet = await h.request('/assets/ui.css');
    expect(sheet.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const css = await sheet.text();
    expect(css).toContain(
      '--font-body:system-ui,"Hiragino Sans","Noto Sans CJK JP","Noto Sans JP",sans-serif',
    );
    expect(css).toContain('--touch:48px');
    expect(css).not.toContain('&quot;');
  });
});
