import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ok } from '../../src/core/index.js';
import type { DirectorySource } from '../../src/crypto/index.js';
import type { InquiryMessage } from '../../src/dispatch/index.js';
import type { BrokerLink, EnvelopeCodec, Receiver } from '../../src/hospital-feed/index.js';
import { silentLogger } from '../../src/log/index.js';
import { Metrics } from '../../src/metrics/index.js';
import type { HospitalConfig } from '../../src/config/index.js';
import {
  INQUIRIES_FILE,
  SqliteInquiryStore,
  mountHospitalDispatch,
  type IncomingInquiry,
} from '../../src/roles/hospital/index.js';
import type { RoleContext } from '../../src/roles/runtime.js';
import { ALERTS_FILE, AlertDesk, SqliteAlertStore, alertKey } from '../../src/roles/triage/index.js';
import { directoryOf, fixedIdentity } from '../crypto/support.js';
import { configFor, openHarness, type Harness } from '../gateway/harness.js';

const hospitalKey = fixedIdentity('hospital-test', 60);
const directory = {
  current: directoryOf([{ identity: hospitalKey, role: 'hospital' }]),
} as unknown as DirectorySource;

/** Publishes nothing anywhere; the mount only needs the link's shape. */
class SilentLink extends EventEmitter {
  readonly isUp = true;
  readonly receiveMaximum = undefined;
  publish() {
    return Promise.resolve(ok(undefined));
  }
  subscribe() {
    return Promise.resolve(ok(undefined));
  }
}

let harness: Harness | undefined;
afterEach(() => harness?.gateway.close());

/**
 * The hospital role started on a data directory whose inquiries file holds the desk's inquiries (a
 * restart): the open ones are on the panel with their buttons, each wakes the board at its deadline
 * again, an acknowledged alert stays acknowledged, and an open unanswered inquiry whose alert was
 * never stored (the role stopped between the two commits) alerts from its arrival.
 */
describe('hospital inquiries restored at start', () => {
  it('panel, deadline wakes and alerts come back as they were', async () => {
    harness = await openHarness('hospital');
    const h = harness;
    const now = h.clock.now();
    const message = (n: number, answerBy: number): InquiryMessage => ({
      inquiryId: `case-${n}-q1`,
      hospitalId: 'hospital-test',
      caseId: `case-${n}`,
      ageBand: '40-64',
      sex: 'unknown',
      category: 'trauma',
      acuity: 'critical',
      etaMinutes: 9,
      sentAt: now - 60_000,
      answerBy,
    });
    const inquiry = (n: number, answerBy = now + 60_000, extra: Partial<IncomingInquiry> = {}) => ({
      message: message(n, answerBy),
      dispatchId: 'dispatch-test',
      receivedAt: now - 59_000,
      answerSent: false,
      ...extra,
    });
    // 1: open, its alert never stored; 2: open, its alert acknowledged; 3: answered, not sent;
    // 4: past its deadline.
    const store = SqliteInquiryStore.open(join(h.dataDir, INQUIRIES_FILE));
    if (!store.ok) throw new Error(store.error);
    const retention = { keep: 50, before: 0 };
    for (const q of [
      inquiry(1),
      inquiry(2),
      inquiry(3, now + 60_000, { answer: { kind: 'accept' } }),
      inquiry(4, now - 1),
    ])
      expect(store.value.save(q, retention).ok).toBe(true);
    store.value.close();
    const alertStore = SqliteAlertStore.open(join(h.dataDir, ALERTS_FILE));
    const subject = (n: number) => ({ kind: 'inquiry', inquiryId: `case-${n}-q1` }) as const;
    const before = new AlertDesk({
      clock: h.clock,
      timers: { setTimeout: () => undefined, clearTimeout: () => undefined },
      schedule: { repeatEveryMs: 120_000, escalateAfterMs: 1_200_000 },
      store: alertStore,
    });
    const raised = before.raise('inquiry', subject(2), { deadline: now + 60_000, raisedAt: now - 59_000 });
    expect(before.acknowledge(raised.key, 'triage-user').ok).toBe(true);
    before.stop();
    alertStore.close();

    const alerts = new AlertDesk({
      clock: h.clock,
      timers: { setTimeout: () => undefined, clearTimeout: () => undefined },
      schedule: { repeatEveryMs: 120_000, escalateAfterMs: 1_200_000 },
      store: SqliteAlertStore.open(join(h.dataDir, ALERTS_FILE)),
    });
    const wakes: number[] = [];
    const stops: (() => unknown)[] = [];
    const ctx: RoleContext = {
      logger: silentLogger,
      metrics: new Metrics({}, false),
      readiness: undefined as never,
      app: h.gateway.app,
      gateway: h.gateway,
      link: new SilentLink() as unknown as BrokerLink,
      crypto: { identity: hospitalKey, keys: [hospitalKey], directory },
      clock: h.clock,
      onStop: (fn) => void stops.push(fn),
    };
    await mountHospitalDispatch(
      configFor('hospital', h.dataDir, { id: 'hospital-test' }) as HospitalConfig,
      ctx,
      new EventEmitter() as unknown as Receiver,
      {} as EnvelopeCodec,
      alerts,
      {
        setTimeout: (_fn, ms) => {
          wakes.push(ms);
          return wakes.length;
        },
        clearTimeout: () => undefined,
      },
    );

    const panel = await (
      await h.request('/panels/inquiry-requests', { headers: { cookie: h.cookie('triage') } })
    ).text();
    for (const n of [1, 2, 3, 4]) expect(panel).toContain(`data-inquiry="case-${n}-q1"`);
    expect(panel.match(/data-action="accept"/g)).toHaveLength(3);
    expect(panel).toContain('data-state="expired"');
    // The three answerable ones wake the board at their deadline, a minute from now.
    expect(wakes).toEqual([60_000, 60_000, 60_000]);
    // 1 alerts from its arrival; 2 stays acknowledged; 3 (answered) and 4 (past) raise nothing.
    expect(alerts.get(alertKey('inquiry', subject(1)))).toMatchObject({
      raisedAt: now - 59_000,
      deadline: now + 60_000,
    });
    expect(alerts.get(alertKey('inquiry', subject(2)))?.ended).toMatchObject({ kind: 'acknowledged' });
    expect(alerts.get(alertKey('inquiry', subject(3)))).toBeUndefined();
    expect(alerts.get(alertKey('inquiry', subject(4)))).toBeUndefined();
    expect(alerts.open().map((o) => o.alert.key)).toEqual([alertKey('inquiry', subject(1))]);
    alerts.stop();
    for (const stop of stops.reverse()) await stop();
  });
});
