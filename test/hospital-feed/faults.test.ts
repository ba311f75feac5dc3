import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, topics, type EmbeddedBroker } from '../../src/hospital-feed/index.js';
import { MemoryReplayStore } from '../../src/crypto/index.js';
import type { DemoKeys } from '../../src/roles/demo-keys.js';
import { connectLink, hospitalFeed, unitFeed, type Endpoint } from '../support/feed/harness.js';
import { feedCodec, feedKeys, strangerCodec } from '../support/feed/keys.js';
import { MosquittoBroker } from '../support/feed/mosquitto.js';
import { sampleReport } from '../support/feed/sample.js';
import { waitFor } from '../support/wait.js';

let mosquitto: MosquittoBroker;
let aedes: EmbeddedBroker;
let dir: string;
let keys: DemoKeys;
const fresh = (name: string): string => mkdtempSync(join(dir, `${name}-`));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'feed-faults-'));
  mosquitto = await MosquittoBroker.create(dir, {
    units: ['amb-demo-01', 'amb-demo-02'],
    hospitals: ['hosp-demo-a', 'hosp-demo-b'],
    dispatch: ['dispatch-demo'],
  });
  aedes = await startEmbeddedBroker('127.0.0.1', 0);
  keys = await feedKeys(dir);
});

afterAll(async () => {
  await mosquitto.stop();
  await aedes.close();
});

const mqtt5 = (): Endpoint => ({ url: mosquitto.url, protocolVersion: 5, pki: mosquitto.pki, keys });

describe('hospital feed under load and attack', () => {
  it(
    'delivers a burst of 500 reports submitted at once (in flight capped by receive maximum)',
    { timeout: 60_000 },
    async () => {
      const hospital = await hospitalFeed(mqtt5(), 'hosp-demo-a', fresh('h'));
      const unit = await unitFeed(mqtt5(), 'amb-demo-01', { dir: fresh('u') });
      let shown = 0;
      hospital.receiver.on('board', (e) => void (e.type === 'report-new' && shown++));
      await hospital.receiver.start();
      await unit.feed.start();
      await waitFor(() => unit.link.isUp && hospital.link.isUp, 'links up');
      const results = await Promise.all(
        Array.from({ length: 500 }, (_, i) => unit.feed.submitReport('hosp-demo-a', sampleReport(i))),
      );
      expect(results.every((r) => r.ok)).toBe(true);
      await waitFor(
        () => unit.feed.reports().every((r) => r.state === 'received'),
        'all 500 received',
        50_000,
      );
      expect(hospital.receiver.board()).toHaveLength(500);
      expect(shown).toBe(500);
      expect(unit.link.receiveMaximum).toBe(20);
      await unit.close();
      await hospital.close();
    },
  );

  it('marks a report expired at the crew and keeps it off the board', async () => {
    const unit = await unitFeed(mqtt5(), 'amb-demo-02', { dir: fresh('u') });
    const states: string[] = [];
    unit.feed.on('report', (v) => states.push(v.state));
    await unit.feed.start();
    // hosp-demo-b is offline; its session does not exist yet, so nothing is queued for it either.
    const sent = await unit.feed.submitReport('hosp-demo-b', sampleReport(3), Date.now() + 1_500);
    if (!sent.ok) throw new Error(sent.error.code);
    await waitFor(() => unit.feed.report(sent.value.reportId)?.state === 'expired', 'expired at the crew');
    expect(states.at(-1)).toBe('expired');
    // Closed first: on the shipped Mosquitto a client id is its certificate's identity, so a second
    // link with this unit's certificate would take over the first one's connection.
    await unit.close();
    const hospital = await hospitalFeed(mqtt5(), 'hosp-demo-b', fresh('h'));
    await hospital.receiver.start();
    await waitFor(() => hospital.link.isUp, 'hospital up');
    // A late copy (the broker queued one) is refused as expired; the board stays empty.
    const sender = await feedCodec(keys, 'amb-demo-02', { store: new MemoryReplayStore() });
    const late = await sender.codec.seal({
      kind: 'report',
      to: 'hosp-demo-b',
      body: new TextEncoder().encode('{}'),
      stream: 'late-copy',
      sequence: 1,
      expiresAt: Date.now() - 1,
    });
    const attacker = connectLink(mqtt5(), 'amb-demo-02');
    await waitFor(() => attacker.isUp, 'link up');
    await attacker.publish(topics.hospitalInbox('hosp-demo-b'), late.bytes);
    await waitFor(() => hospital.counts.rejected.expired === 1, 'expired copy refused');
    expect(hospital.receiver.board()).toEqual([]);
    await attacker.close();
    await hospital.close();
  });

  it('rejects and counts tampered, foreign and unknown-sender envelopes; suppresses replays', async () => {
    const hospital = await hospitalFeed(mqtt5(), 'hosp-demo-a', fresh('h'));
    await hospital.receiver.start();
    const link = connectLink(mqtt5(), 'amb-demo-01');
    await waitFor(() => link.isUp && hospital.link.isUp, 'links up');
    const { codec } = await feedCodec(keys, 'amb-demo-01', { store: new MemoryReplayStore() });
    const body = new TextEncoder().encode(
      JSON.stringify({ ...sampleReport(9), reportId: '0f6b7d2e-0000-4000-8000-000000000009' }),
    );
    const seal = (to: string) =>
      codec.seal({ kind: 'report', to, body, stream: 'r9', sequence: 1, expiresAt: Date.now() + 60_000 });
    const genuine = await seal('hosp-demo-a');
    // One bit flipped inside the sealed box.
    const tampered = Uint8Array.from(genuine.bytes);
    const at = tampered.length - 40;
    tampered[at] = (tampered[at] ?? 0) ^ 1;
    const foreign = await seal('hosp-demo-b');
    const rogue = await strangerCodec(keys, 'amb-rogue-99', 'hosp-demo-a');
    const stranger = await rogue.seal({
      kind: 'report',
      to: 'hosp-demo-a',
      body,
      stream: 'r9',
      sequence: 1,
      expiresAt: Date.now() + 60_000,
    });
    const inbox = topics.hospitalInbox('hosp-demo-a');
    for (const bytes of [
      tampered,
      foreign.bytes,
      stranger.bytes,
      genuine.bytes,
      genuine.bytes,
      genuine.bytes,
    ])
      await link.publish(inbox, bytes);
    await waitFor(() => hospital.counts.duplicates === 2, 'replays suppressed');
    expect(hospital.counts.rejected).toEqual({ tampered: 1, foreign: 1, 'unknown-sender': 1 });
    expect(hospital.receiver.board()).toHaveLength(1);
    await link.close();
    await hospital.close();
  });

  it('refuses and counts a report signed by a hospital or dispatch key, or naming another unit (issue 12, M2)', async () => {
    const hospital = await hospitalFeed(mqtt5(), 'hosp-demo-a', fresh('h'));
    await hospital.receiver.start();
    // Dispatch may write to hospital inboxes (inquiries); a stolen hospital key rides a unit's broker
    // certificate. Either way the broker delivers; only the directory role can tell.
    const dispatchLink = connectLink(mqtt5(), 'dispatch-demo');
    const unitLink = connectLink(mqtt5(), 'amb-demo-02');
    await waitFor(() => dispatchLink.isUp && unitLink.isUp && hospital.link.isUp, 'links up');
    const forge = async (signer: string, unitId: string, n: number, kind: 'report' | 'cancel' = 'report') => {
      const { codec } = await feedCodec(keys, signer, { store: new MemoryReplayStore() });
      const reportId = `0f6b7d2e-0000-4000-8000-00000000010${n}`;
      const body =
        kind === 'report'
          ? { ...sampleReport(n), reportId, crew: { unitId, callSign: 'Fake 1', phone: '+81-3-0000-0000' } }
          : { reportId, reason: 'diversion' };
      return codec.seal({
        kind,
        to: 'hosp-demo-a',
        body: new TextEncoder().encode(JSON.stringify(body)),
        stream: reportId,
        sequence: 1,
        expiresAt: Date.now() + 60_000,
      });
    };
    const inbox = topics.hospitalInbox('hosp-demo-a');
    await unitLink.publish(inbox, (await forge('hosp-demo-b', 'amb-demo-02', 1)).bytes);
    await dispatchLink.publish(inbox, (await forge('dispatch-demo', 'amb-demo-01', 2)).bytes);
    await dispatchLink.publish(inbox, (await forge('dispatch-demo', 'amb-demo-01', 3, 'cancel')).bytes);
    // A real unit's key, speaking for another unit.
    await unitLink.publish(inbox, (await forge('amb-demo-02', 'amb-demo-01', 4)).bytes);
    // The genuine one: a unit reporting as itself.
    await unitLink.publish(inbox, (await forge('amb-demo-02', 'amb-demo-02', 5)).bytes);
    await waitFor(() => hospital.receiver.board().length === 1, 'the genuine report');
    expect(hospital.counts.rejected).toEqual({ 'wrong-role': 3, 'wrong-unit': 1 });
    const [shown] = hospital.receiver.board();
    expect(shown).toMatchObject({ unitId: 'amb-demo-02', unitName: 'test amb-demo-02' });
    expect(hospital.receiver.all()).toHaveLength(1);
    await Promise.all([dispatchLink.close(), unitLink.close()]);
    await hospital.close();
  });

  it('runs the same flow over aedes with MQTT 3.1.1', async () => {
    const endpoint: Endpoint = { url: aedes.url, protocolVersion: 4, keys };
    const hospital = await hospitalFeed(endpoint, 'hosp-demo-a', fresh('h'));
    const unit = await unitFeed(endpoint, 'amb-demo-01', { dir: fresh('u') });
    await hospital.receiver.start();
    await unit.feed.start();
    await waitFor(() => unit.link.isUp && hospital.link.isUp, 'links up');
    const sent = await Promise.all(
      Array.from({ length: 50 }, (_, i) => unit.feed.submitReport('hosp-demo-a', sampleReport(i))),
    );
    expect(sent.every((r) => r.ok)).toBe(true);
    await waitFor(() => unit.feed.reports().every((r) => r.state === 'received'), 'all received');
    const first = sent[0];
    if (first === undefined || !first.ok) throw new Error('no report');
    expect((await unit.feed.cancel(first.value.reportId, 'diversion')).ok).toBe(true);
    await waitFor(() => hospital.receiver.board().length === 49, 'cancel applied');
    expect(unit.feed.report(first.value.reportId)?.state).toBe('cancelled');
    expect(unit.link.receiveMaximum).toBeUndefined();
    await unit.close();
    await hospital.close();
  });
});
