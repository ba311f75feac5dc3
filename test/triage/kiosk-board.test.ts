import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashScreenPin } from '../../src/gateway/auth/index.js';
import { deviceCookieValue } from '../../src/gateway/index.js';
import { sampleReport } from '../support/feed/sample.js';
import { TEST_DEVICE } from '../support/sessions.js';
import { waitFor } from '../support/wait.js';
import { openTriageRig, type TriageRig } from './support.js';

let rig: TriageRig;

beforeAll(async () => {
  rig = await openTriageRig();
  await waitFor(() => rig.unit.link.isUp || undefined, 'unit link up');
});

afterAll(async () => {
  await rig?.close();
});

/**
 * Issue 15 (Board): the board logged itself off after 5 minutes without a touch (live updates are not
 * activity), after which no alert appeared. On an enrolled device in kiosk mode the board stays on
 * screen and keeps alerting while idle; acknowledging (an action) needs the PIN first.
 */
describe('the triage board as a kiosk (display-only while idle)', () => {
  it('keeps showing new alerts after the idle limit; an acknowledgement waits for the PIN', async () => {
    const gateway = rig.role.gateway;
    const session = gateway.sessions.create(
      'triage-kiosk',
      'triage',
      TEST_DEVICE,
      await hashScreenPin('4826', gateway.pinCost),
    );
    expect(gateway.sessions.setKiosk(session.id, true)).toBe(true);
    const cookie = `ems-session=${session.id}; ems-device=${deviceCookieValue(gateway.deviceToken, TEST_DEVICE)}`;
    const get = (path: string) =>
      fetch(`${rig.role.url.replace(/\/$/, '')}${path}`, {
        redirect: 'manual',
        headers: { cookie, 'x-ems-background': '1' },
      });
    // Idle for longer than auth.idleLogoutSeconds (300 s): the last touch moved back 10 minutes.
    const db = new Database(gateway.usersFile);
    db.prepare('UPDATE sessions SET last_active_at = last_active_at - 600000').run();
    db.close();

    const sent = await rig.unit.feed.submitReport('hosp-demo-a', sampleReport(21));
    if (!sent.ok) throw new Error(sent.error.code);
    const key = `new-report:amb-demo-01/${sent.value.reportId}`;
    const panel = await waitFor(async () => {
      const response = await get('/panels/incoming');
      expect(response.status).toBe(200);
      const html = await response.text();
      return html.includes(`data-alert-key="${key}"`) ? html : undefined;
    }, 'the alert on the idle kiosk board');
    expect(panel).toContain('確認（暗証番号）');
    expect((await get('/')).status).toBe(200);

    const ack = await fetch(`${rig.role.url.replace(/\/$/, '')}/triage/alerts/ack`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: session.csrf, key }).toString(),
    });
    expect(ack.status).toBe(303);
    expect(ack.headers.get('location')).toBe('/unlock');
    expect(await (await get('/panels/incoming')).text()).toContain(`data-alert-key="${key}"`);
    expect(rig.unit.feed.report(sent.value.reportId)?.state).toBe('received');
  });
});
