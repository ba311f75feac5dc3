import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deviceCookieValue, startServer, type RunningServer } from '../../src/gateway/index.js';
import { httpRequest, type Answer } from '../support/http-client.js';
import { openHarness, type Harness } from './harness.js';

/**
 * Issue 12 (M1, L1, L2), black-box: JSON log-ins over real sockets against a running server, from
 * different client addresses (127.0.0.x) and enrolled browsers. The clock is the harness's manual one,
 * so TOTP steps and back-off delays move only when a test says so.
 */
describe('log-in throttling and single-use codes over HTTP', () => {
  let h: Harness;
  let server: RunningServer;
  beforeEach(async () => {
    h = await openHarness('hospital');
    server = await startServer(h.gateway.app, { host: '127.0.0.1', port: 0 });
  });
  afterEach(async () => {
    await server.close();
    h.gateway.close();
  });

  const login = (
    body: Record<string, string>,
    from: { localAddress?: string; cookie?: string } = {},
  ): Promise<Answer> =>
    httpRequest(`${server.url}/api/v1/login`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(from.cookie === undefined ? {} : { cookie: from.cookie }),
      },
      body: JSON.stringify(body),
      ...(from.localAddress === undefined ? {} : { localAddress: from.localAddress }),
    });
  const wrong = (userId: string): Record<string, string> => ({
    userId,
    password: 'wrong-password',
    otp: '123456',
    deviceToken: h.gateway.deviceToken,
  });

  it('M1: of 100 concurrent wrong log-ins at most five are judged; the right password then waits, then works', async () => {
    const cred = await h.issue('nurse-a', 'triage');
    const answers = await Promise.all(Array.from({ length: 100 }, () => login(wrong('nurse-a'))));
    const judged = answers.filter((a) => a.status === 401).length;
    expect(judged).toBeLessThanOrEqual(5);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(100 - judged);
    const right = { ...wrong('nurse-a'), password: cred.password };
    expect((await login({ ...right, otp: h.code(cred.totpSecret) })).status).toBe(429);
    // A back-off, not a lock: once the delay has passed the right credentials log in.
    h.clock.advance(31_000);
    expect((await login({ ...right, otp: h.code(cred.totpSecret) })).status).toBe(200);
  });

  it('M1: one address spraying many ids is stopped; another address is not', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i += 1)
      statuses.push((await login(wrong(`guess-${i}`), { localAddress: '127.0.0.5' })).status);
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(30).every((s) => s === 429)).toBe(true);
    expect((await login(wrong('guess-0'), { localAddress: '127.0.0.6' })).status).toBe(401);
  });

  it('L1: ten concurrent log-ins with one TOTP code open exactly one session', async () => {
    const cred = await h.issue('nurse-b', 'triage');
    const attempt = { ...wrong('nurse-b'), password: cred.password, otp: h.code(cred.totpSecret) };
    const answers = await Promise.all(Array.from({ length: 10 }, () => login(attempt)));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    // The others are refused: as bad credentials, or, past five, by the back-off their count started.
    expect(answers.every((a) => [200, 401, 429].includes(a.status))).toBe(true);
  });

  it('L2: a real id and an unknown one get the same answers, attempt after attempt', async () => {
    await h.issue('nurse-c', 'triage');
    for (let i = 0; i < 8; i += 1) {
      const real = await login(wrong('nurse-c'), { localAddress: '127.0.0.2' });
      const ghost = await login(wrong('nobody-here'), { localAddress: '127.0.0.3' });
      expect({ status: ghost.status, body: ghost.body }, `attempt ${i + 1}`).toEqual({
        status: real.status,
        body: real.body,
      });
    }
  });

  it('L2: failures from another address or another tablet do not lock the user out of their own', async () => {
    const cred = await h.issue('nurse-d', 'triage');
    for (let i = 0; i < 10; i += 1) await login(wrong('nurse-d'), { localAddress: '127.0.0.2' });
    const stolen = `ems-device=${deviceCookieValue(h.gateway.deviceToken, 'stolen-tablet-01')}`;
    for (let i = 0; i < 10; i += 1) await login(wrong('nurse-d'), { cookie: stolen });
    expect((await login(wrong('nurse-d'), { cookie: stolen })).status).toBe(429);
    const own = await login(
      { userId: 'nurse-d', password: cred.password, otp: h.code(cred.totpSecret) },
      { cookie: h.deviceCookie() },
    );
    expect(own.status).toBe(200);
  });
});
