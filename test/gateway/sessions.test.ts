import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deviceCookieValue, startServer, type RunningServer } from '../../src/gateway/index.js';
import { runCli } from '../support/cli.js';
import { cookiesOf, httpRequest, type Answer } from '../support/http-client.js';
import { configFor, openHarness, type Harness } from './harness.js';

/** Issue 12 (R5, L3), black-box: sessions over real sockets, a restarted gateway, the users CLI. */
describe('sessions', () => {
  const open: { h: Harness; server: RunningServer }[] = [];
  const start = async (
    extra: Record<string, unknown> = {},
  ): Promise<{ h: Harness; server: RunningServer }> => {
    const h = await openHarness('hospital', extra);
    const server = await startServer(h.gateway.app, { host: '127.0.0.1', port: 0 });
    open.push({ h, server });
    return { h, server };
  };
  const stop = async (running: { h: Harness; server: RunningServer }): Promise<void> => {
    open.splice(open.indexOf(running), 1);
    await running.server.close();
    running.h.gateway.close();
  };
  afterEach(async () => {
    for (const running of [...open]) await stop(running);
  });

  /** Logs in over JSON (enrolling with the device code); the cookies a browser would keep. */
  const logIn = async (
    { h, server }: { h: Harness; server: RunningServer },
    userId: string,
    secrets: { password: string; totpSecret: string },
  ): Promise<string[]> => {
    const answer = await httpRequest(`${server.url}/api/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        userId,
        password: secrets.password,
        otp: h.code(secrets.totpSecret),
        deviceToken: h.gateway.deviceToken,
      }),
    });
    expect(answer.status).toBe(200);
    return cookiesOf(answer);
  };
  const me = (server: RunningServer, cookies: readonly string[]): Promise<Answer> =>
    httpRequest(`${server.url}/api/v1/session`, { headers: { cookie: cookies.join('; ') } });

  it('R5: a session survives a restart of the gateway, on the browser it was opened on only', async () => {
    const first = await start();
    const cred = await first.h.issue('nurse-a', 'triage');
    const cookies = await logIn(first, 'nurse-a', cred);
    expect((await me(first.server, cookies)).status).toBe(200);
    const dataDir = first.h.dataDir;
    await stop(first);

    const second = await start({ dataDir });
    const after = await me(second.server, cookies);
    expect(after.status).toBe(200);
    expect(JSON.parse(after.body)).toMatchObject({ userId: 'nurse-a', role: 'triage' });
    // Bound to the enrolled browser: the session cookie alone, or with another browser's, is nothing.
    const session = cookies.filter((c) => c.startsWith('ems-session='));
    expect((await me(second.server, session)).status).toBe(401);
    const other = `ems-device=${deviceCookieValue(second.h.gateway.deviceToken, 'another-tablet-1')}`;
    expect((await me(second.server, [...session, other])).status).toBe(401);
    // Only a hash of the token is stored, in a private file.
    const token = (session[0] ?? '').slice('ems-session='.length);
    expect(token.length).toBeGreaterThan(20);
    const usersDb = join(dataDir, 'users.db');
    for (const file of [usersDb, `${usersDb}-wal`].filter((f) => existsSync(f)))
      expect(readFileSync(file).includes(Buffer.from(token))).toBe(false);
    expect(statSync(usersDb).mode & 0o777).toBe(0o600);
  });

  it('R5: a TOTP code logs in once; a second browser waits for the next 30 s code', async () => {
    const running = await start();
    const cred = await running.h.issue('nurse-b', 'triage');
    await logIn(running, 'nurse-b', cred);
    const again = await httpRequest(`${running.server.url}/api/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        userId: 'nurse-b',
        password: cred.password,
        otp: running.h.code(cred.totpSecret),
        deviceToken: running.h.gateway.deviceToken,
      }),
    });
    expect(again.status).toBe(401);
    running.h.clock.advance(30_000);
    await logIn(running, 'nurse-b', cred);
  });

  it('L3: removing a user or re-issuing their credentials (users CLI, another process) ends their sessions', async () => {
    const running = await start();
    const config = join(running.h.dataDir, 'hospital.json');
    writeFileSync(config, JSON.stringify(configFor('hospital', running.h.dataDir)));
    const removed = await logIn(running, 'nurse-r', await running.h.issue('nurse-r', 'triage'));
    const reissued = await logIn(running, 'nurse-s', await running.h.issue('nurse-s', 'triage'));

    expect(runCli(['users', 'remove', '--config', config, '--user', 'nurse-r']).status).toBe(0);
    expect((await me(running.server, removed)).status).toBe(401);
    expect((await me(running.server, reissued)).status).toBe(200);

    const add = runCli(['users', 'add', '--config', config, '--user', 'nurse-s', '--role', 'triage']);
    expect(add.status).toBe(0);
    expect((await me(running.server, reissued)).status).toBe(401);
  });
});
