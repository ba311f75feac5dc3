import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/index.js';
import type { RetryPolicy } from '../../src/hospital-feed/index.js';
import { createLogger } from '../../src/log/index.js';
import { startConfiguredRole, type RunningRole } from '../../src/roles/index.js';
import { unitFeed, type Endpoint } from '../support/feed/harness.js';
import { feedKeys } from '../support/feed/keys.js';
import { MosquittoBroker } from '../support/feed/mosquitto.js';
import { sampleReport } from '../support/feed/sample.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 12, R1: what the broker queued for a hospital while it was offline must be shown as soon as
 * the hospital comes back, not lost to an acknowledgement sent before anything handled it (and then
 * shown only after the ambulance's outbox resends it).
 */

const HOSPITAL = 'hosp-demo-a';
const UNIT = 'amb-demo-01';
/** The production resend delay is 30 s; here a minute, so only a first delivery can pass the test. */
const SLOW_RESEND: RetryPolicy = {
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  ackTimeoutMs: 60_000,
  publishTimeoutMs: 10_000,
};

let broker: MosquittoBroker;
let endpoint: Endpoint;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'feed-offline-'));
  broker = await MosquittoBroker.create(dir, { units: [UNIT], hospitals: [HOSPITAL], dispatch: [] });
  endpoint = {
    url: broker.url,
    protocolVersion: 5,
    pki: broker.pki,
    keys: await feedKeys(dir, { [UNIT]: 'ambulance', [HOSPITAL]: 'hospital' }),
  };
});

afterAll(async () => {
  await broker.stop();
});

/** The hospital role as `ems-gateway run` starts it, against the Mosquitto broker with TLS. */
const startHospital = async (): Promise<RunningRole> => {
  const config = validateConfig({
    role: 'hospital',
    id: HOSPITAL,
    dataDir: join(dir, HOSPITAL),
    http: { port: 0 },
    mqtt: {
      url: broker.url,
      protocolVersion: 5,
      caFile: broker.pki.ca,
      certFile: broker.pki.cert(HOSPITAL),
      keyFile: broker.pki.key(HOSPITAL),
    },
    keys: { file: endpoint.keys.keyFile(HOSPITAL) },
    directory: { file: endpoint.keys.directoryFile, operatorPublicKey: endpoint.keys.operatorPublicKey },
  });
  if (!config.ok) throw new Error(JSON.stringify(config.error));
  return startConfiguredRole(config.value, { env: {}, logger: createLogger({ level: 'warn' }) });
};

const receivedReports = async (role: RunningRole): Promise<number> => {
  const metrics = await (await fetch(`${role.url}/metrics`)).text();
  return Number(/^ems_feed_received_total\{[^}]*kind="report"[^}]*\} (\d+)$/m.exec(metrics)?.[1] ?? 0);
};

describe('messages queued at the broker while the receiver was offline', () => {
  it('reach a hospital role at once when it starts again, none dropped', async () => {
    // A first run makes the hospital's persistent session and its subscription at the broker.
    const first = await startHospital();
    await waitFor(async () => (await fetch(`${first.url}/readyz`)).ok || undefined, 'hospital ready');
    await first.stop();

    const unit = await unitFeed(endpoint, UNIT, { dir: mkdtempSync(join(dir, 'u-')), policy: SLOW_RESEND });
    await unit.feed.start();
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const sent = await unit.feed.submitReport(HOSPITAL, sampleReport(n));
      if (!sent.ok) throw new Error(sent.error.code);
      ids.push(sent.value.reportId);
    }
    // PUBACK from the broker: the reports wait in the hospital's session queue.
    await waitFor(
      () => ids.every((id) => unit.feed.report(id)?.state === 'at-broker'),
      'reports queued at the broker',
    );

    const hospital = await startHospital();
    try {
      // Well inside the unit's 60 s resend: only the broker's queued copies can arrive this soon.
      await waitFor(
        async () => (await receivedReports(hospital)) === 3 || undefined,
        'three reports',
        15_000,
      );
      await waitFor(
        () => ids.every((id) => unit.feed.report(id)?.state === 'received'),
        'receipts at the crew',
        15_000,
      );
      expect(await receivedReports(hospital)).toBe(3);
    } finally {
      await unit.close();
      await hospital.stop();
    }
  });
});
