import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/index.js';
const ALERTS_FILE = 'alerts.sqlite';
import { sampleReport } from '../support/feed/sample.js';
import { waitFor } from '../support/wait.js';
import { openTriageRig, type TriageRig } from './support.js';

const MIN = 60_000;

/** The role's clock: real time plus a jump the test sets, so a restart can happen "21 minutes later". */
const clock = { offset: 0, now: (): number => Date.now() + clock.offset } satisfies Clock & {
  offset: number;
};

let rig: TriageRig;

beforeAll(async () => {
  rig = await openTriageRig({ clock });
  await waitFor(() => rig.unit.link.isUp || undefined, 'unit link up');
});

afterAll(async () => {
  await rig?.close();
});

const panel = async (): Promise<string> => (await rig.http('/panels/incoming')).text();

/** The alert items of the panel: key and signal (round, `e` once escalated). */
const alertsOf = async (): Promise<Record<string, string>> =>
  Object.fromEntries(
    [
      ...(await panel()).matchAll(
        /data-alert-key="([^"]+)" data-alert-kind="[^"]+" data-alert-signal="([^"]+)"/g,
      ),
    ].map((m) => [m[1] as string, m[2] as string]),
  );

const submit = async (n: number, acuity: number): Promise<string> => {
  const sent = await rig.unit.feed.submitReport('hosp-demo-a', { ...sampleReport(n), acuity });
  if (!sent.ok) throw new Error(sent.error.code);
  return sent.value.reportId;
};

const ack = async (key: string): Promise<void> => {
  const done = await rig.http('/triage/alerts/ack', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: rig.csrf, key }).toString(),
  });
  expect(done.status).toBe(303);
};

const escalations = (): string[] =>
  rig.role.gateway.audit
    .latest(200)
    .filter((e) => e.reason?.startsWith('escalated-') === true)
    .map((e) => `${e.reason} ${e.subject?.id}`)
    .sort();

/**
 * Issue 15/16: the board's alerts lived in memory. After a restart of the hospital role an
 * acknowledged crew message alerted again, an acuity rise was gone, and escalations waited for the
 * next round. Real role, real SQLite files in its data directory, the embedded broker; the role's
 * clock is injected and jumps forward across the restarts.
 */
describe('board alerts across a restart of the hospital role', () => {
  it('acknowledged stays acknowledged; open alerts (acuity rise included) keep their schedule; escalations are recorded once', async () => {
    const a = await submit(31, 3);
    const b = await submit(32, 3);
    const keys = {
      newA: `new-report:amb-demo-01/${a}`,
      newB: `new-report:amb-demo-01/${b}`,
      raisedB: `acuity-raised:amb-demo-01/${b}`,
      messageA: `message:amb-demo-01/${a}`,
    };
    await waitFor(async () => ((await alertsOf())[keys.newB] === undefined ? undefined : true), 'new alerts');
    expect((await rig.unit.feed.update(b, { ...sampleReport(32), acuity: 1 })).ok).toBe(true);
    expect((await rig.unit.feed.threads.send(a, { type: 'text', text: 'ETA 5 min' })).ok).toBe(true);
    await waitFor(async () => {
      const open = await alertsOf();
      return open[keys.raisedB] !== undefined && open[keys.messageA] !== undefined ? true : undefined;
    }, 'acuity-rise and message alerts');
    await ack(keys.newA);
    await ack(keys.messageA);
    expect(Object.keys(await alertsOf()).filter((k) => k.includes(a))).toEqual([]);
    expect(escalations()).toEqual([]);

    // 21 minutes later: every alert nobody acknowledged is past its escalation (20 min).
    clock.offset = 21 * MIN;
    await rig.restart(clock);
    const after = await alertsOf();
    expect(Object.keys(after).filter((k) => k.includes(a))).toEqual([]);
    expect(after[keys.newB]).toBe('10e');
    expect(after[keys.raisedB]).toBe('10e');
    // Fell due while the role was down: recorded once, at start.
    expect(escalations()).toEqual([`escalated-acuity-raised ${b}`, `escalated-new-report ${b}`]);
    const dataDir = join(rig.dir, 'hospital');
    expect(statSync(join(dataDir, ALERTS_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(`${join(dataDir, ALERTS_FILE)}-wal`).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);

    // A person acknowledges the acuity rise after the restart; the next restart keeps that, re-alerts
    // the rest on their schedule and records no second escalation.
    await ack(keys.raisedB);
    clock.offset = 23 * MIN;
    await rig.restart(clock);
    const again = await alertsOf();
    expect(again[keys.raisedB]).toBeUndefined();
    expect(again[keys.newB]).toBe('11e');
    expect(Object.keys(again).filter((k) => k.includes(a))).toEqual([]);
    expect(escalations()).toEqual([`escalated-acuity-raised ${b}`, `escalated-new-report ${b}`]);
  });
});
