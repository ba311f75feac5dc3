import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess } from '../support/cli.js';
import { waitFor } from '../support/wait.js';

/** The README's first quick-start command, as a process: `ems-gateway demo` on free ports. */
describe('demo', () => {
  let demo: CliProcess;
  let urls: string[] = [];

  beforeAll(async () => {
    demo = CliProcess.start([
      'demo',
      '--port-base',
      '0',
      '--mqtt-port',
      '0',
      '--data-dir',
      mkdtempSync(join(tmpdir(), 'ems-demo-')),
    ]);
    await demo.waitForOutput(/Ctrl-C stops/, 45_000);
    urls = [
      ...demo.stdout.matchAll(/^ {2}(ambulance|hospital|dispatch) \S+ +(http:\/\/127\.0\.0\.1:\d+)\/$/gm),
    ].map((m) => m[2] as string);
  });

  afterAll(async () => {
    await demo.stop();
  });

  it('prints the broker and one screen URL per role: 1 ambulance, 3 hospitals, 1 dispatch', () => {
    expect(demo.stdout).toMatch(/MQTT broker \(aedes\) +mqtt:\/\/127\.0\.0\.1:\d+/);
    expect(demo.stdout.match(/^ {2}ambulance /gm)).toHaveLength(1);
    expect(demo.stdout.match(/^ {2}hospital /gm)).toHaveLength(3);
    expect(demo.stdout.match(/^ {2}dispatch /gm)).toHaveLength(1);
    expect(urls).toHaveLength(5);
  });

  it('answers /healthz 200 on every role', async () => {
    for (const url of urls) {
      const response = await fetch(`${url}/healthz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
    }
  });

  it('becomes ready on every role once the broker link is up', async () => {
    for (const url of urls) {
      const body = await waitFor(async () => {
        const response = await fetch(`${url}/readyz`);
        return response.status === 200
          ? ((await response.json()) as { checks: Record<string, unknown> })
          : undefined;
      }, `${url}/readyz`);
      expect(body.checks['broker']).toEqual({ ready: true });
    }
  });

  it('serves Prometheus metrics on every role', async () => {
    for (const url of urls) {
      const response = await fetch(`${url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      expect(await response.text()).toMatch(/^ems_broker_connected\{.*\} 1$/m);
    }
  });

  it('serves each role’s screen', async () => {
    for (const url of urls) {
      const response = await fetch(`${url}/`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
    }
  });

  /** Issue 15, "Getting in": a newcomer opens any screen from the console in under a minute. */
  it('prints a one-time log-in link per user (admins on every instance); a link logs in once', async () => {
    const links = [
      ...demo.stdout.matchAll(/^ {2}(\S+) +(\S+) +(http:\/\/127\.0\.0\.1:\d+\/login\/demo\/[\w-]{32})$/gm),
    ];
    const who = links.map((m) => `${m[1] ?? ''}@${m[2] ?? ''}`);
    expect(who).toEqual(
      expect.arrayContaining([
        'crew-demo@amb-demo-01',
        'admin-demo@amb-demo-01',
        'triage-demo@hosp-demo-a',
        'admin-demo@hosp-demo-b',
        'dispatcher-demo@dispatch-demo',
        'admin-demo@dispatch-demo',
      ]),
    );
    const link = links.find((m) => m[1] === 'dispatcher-demo')?.[3] ?? '';
    const origin = new URL(link).origin;
    const page = await fetch(link);
    const html = await page.text();
    expect(html).toContain('data-demo-user="dispatcher-demo"');
    expect(html).toContain('デモ指令センター');
    const loginCookie = /ems-login=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')?.[1] ?? '';
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const token = link.split('/').at(-1) ?? '';
    const post = (): Promise<Response> =>
      fetch(`${origin}/login/demo`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `ems-login=${loginCookie}` },
        body: new URLSearchParams({ _csrf: csrf, token, pin: '' }).toString(),
      });
    const first = await post();
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/');
    const cookies = first.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const screen = await fetch(`${origin}/`, { headers: { cookie: cookies }, redirect: 'manual' });
    expect(screen.status).toBe(200);
    expect(await screen.text()).toContain('data-screen="dispatcher"');
    const again = await post();
    expect(again.headers.get('location')).toBe('/login?error=demo-link');
  });

  it("shows each synthetic holder's card PIN in the tablet's demo panel", async () => {
    const link = /^ {2}crew-demo +amb-demo-01 +(\S+)$/m.exec(demo.stdout)?.[1] ?? '';
    const origin = new URL(link).origin;
    const page = await fetch(link);
    const loginCookie = /ems-login=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')?.[1] ?? '';
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const logged = await fetch(`${origin}/login/demo`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `ems-login=${loginCookie}` },
      body: new URLSearchParams({ _csrf: csrf, token: link.split('/').at(-1) ?? '' }).toString(),
    });
    const cookies = logged.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const html = await (await fetch(`${origin}/?lang=ja`, { headers: { cookie: cookies } })).text();
    const options = [...html.matchAll(/<option value="\d+">(#\d+ · [^<]+)<\/option>/g)].map(
      (m) => m[1] ?? '',
    );
    expect(options.length).toBeGreaterThan(3);
    expect(options.filter((o) => /カードの暗証番号 \d{4}$/.test(o)).length).toBeGreaterThan(3);
    expect(options.some((o) => o.includes('資格なし'))).toBe(true);
  });

  it('stops cleanly on Ctrl-C', async () => {
    expect(await demo.stop('SIGINT')).toBe(0);
  });
});
