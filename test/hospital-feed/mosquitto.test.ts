import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePresence, parsePresence, topics } from '../../src/hospital-feed/index.js';
import { connectLink, hospitalFeed, openLink, unitFeed, type Endpoint } from '../support/feed/harness.js';
import { feedKeys } from '../support/feed/keys.js';
import { MosquittoBroker } from '../support/feed/mosquitto.js';
import { sampleReport } from '../support/feed/sample.js';
import { waitFor } from '../support/wait.js';

let broker: MosquittoBroker;
let endpoint: Endpoint;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'feed-mosq-'));
  broker = await MosquittoBroker.create(dir, {
    units: ['amb-demo-01', 'amb-demo-02'],
    hospitals: ['hosp-demo-a', 'hosp-demo-b'],
    dispatch: ['dispatch-demo'],
  });
  endpoint = { url: broker.url, protocolVersion: 5, pki: broker.pki, keys: await feedKeys(dir) };
});

afterAll(async () => {
  await broker.stop();
});

describe('hospital feed over Mosquitto (MQTT 5, TLS, ACLs)', () => {
  it('delivers a report, shows it once, and moves the crew state to accepted', async () => {
    const hospital = await hospitalFeed(endpoint, 'hosp-demo-a', mkdtempSync(join(dir, 'h-')));
    const unit = await unitFeed(endpoint, 'amb-demo-01', { dir: mkdtempSync(join(dir, 'u-')) });
    const board: string[] = [];
    hospital.receiver.on('board', (e) => board.push(e.type));
    const states: string[] = [];
    unit.feed.on('report', (v) => states.push(v.state));
    await hospital.receiver.start();
    await unit.feed.start();
    await waitFor(() => unit.link.isUp && hospital.link.isUp, 'links up');

    const sent = await unit.feed.submitReport('hosp-demo-a', sampleReport(1));
    expect(sent.ok).toBe(true);
    if (!sent.ok) return;
    const { reportId } = sent.value;
    await waitFor(() => unit.feed.report(reportId)?.state === 'received', 'received at the crew');
    expect(hospital.receiver.board().map((r) => r.reportId)).toEqual([reportId]);

    const updated = await unit.feed.update(reportId, { ...sampleReport(1), acuity: 1 });
    expect(updated.ok).toBe(true);
    await waitFor(() => hospital.receiver.board()[0]?.body?.acuity === 1, 'update applied');

    expect((await hospital.receiver.markViewed('amb-demo-01', reportId)).ok).toBe(true);
    await waitFor(() => unit.feed.report(reportId)?.state === 'viewed', 'viewed at the crew');
    expect((await hospital.receiver.answer('amb-demo-01', reportId, { decision: 'accept' })).ok).toBe(true);
    await waitFor(() => unit.feed.report(reportId)?.state === 'accepted', 'accepted at the crew');

    expect(board).toEqual(['report-new', 'report-updated']);
    expect(states[0]).toBe('queued');
    expect(states).toContain('at-broker');
    expect(states.slice(-3)).toEqual(['received', 'viewed', 'accepted']);
    await waitFor(() => unit.feed.pending === 0, 'unit outbox empty');
    await unit.close();
    await hospital.close();
  });

  it('denies what the ACL does not grant', async () => {
    // A unit may not read a hospital's inbox. Mosquitto 2.0.11 grants the SUBSCRIBE itself and
    // enforces `read` on delivery, so the proof is that nothing arrives while a report does.
    const stolen: string[] = [];
    const spy = connectLink(endpoint, 'amb-demo-02', 'amb-demo-02', (topic) =>
      Promise.resolve(void stolen.push(topic)),
    );
    await waitFor(() => spy.isUp, 'unit up');
    await spy.subscribe(topics.hospitalInbox('hosp-demo-b'));
    const hospitalB = await hospitalFeed(endpoint, 'hosp-demo-b', mkdtempSync(join(dir, 'hb-')));
    const unit = await unitFeed(endpoint, 'amb-demo-01', { dir: mkdtempSync(join(dir, 'u2-')) });
    await hospitalB.receiver.start();
    await unit.feed.start();
    const sent = await unit.feed.submitReport('hosp-demo-b', sampleReport(2));
    if (!sent.ok) throw new Error(sent.error.code);
    await waitFor(() => unit.feed.report(sent.value.reportId)?.state === 'received', 'report received');
    expect(stolen).toEqual([]);
    await unit.close();
    await hospitalB.close();

    // A hospital may not write another hospital's status (PUBACK 0x87 on MQTT 5); nobody receives it.
    const seen: string[] = [];
    const dispatch = connectLink(endpoint, 'dispatch-demo', 'dispatch-demo', (topic) =>
      Promise.resolve(void seen.push(topic)),
    );
    await waitFor(() => dispatch.isUp, 'dispatch up');
    expect((await dispatch.subscribe(topics.hospitalStatus('hosp-demo-b'))).ok).toBe(true);
    expect((await dispatch.subscribe(topics.hospitalStatus('hosp-demo-a'))).ok).toBe(true);
    const hospital = connectLink(endpoint, 'hosp-demo-a');
    await waitFor(() => hospital.isUp, 'hospital up');
    const forged = await hospital.publish(topics.hospitalStatus('hosp-demo-b'), new Uint8Array([1]), true);
    expect(forged).toEqual({ ok: false, error: 'refused' });
    expect((await hospital.publish(topics.hospitalStatus('hosp-demo-a'), new Uint8Array([1]), true)).ok).toBe(
      true,
    );
    await waitFor(() => seen.length > 0, 'own status delivered');
    expect(seen).toEqual([topics.hospitalStatus('hosp-demo-a')]);
    await Promise.all([spy.close(), dispatch.close(), hospital.close()]);
  });

  it('lets only a hospital write its own presence, which units read (hospital or unit forging it: 0x87)', async () => {
    const seen: string[] = [];
    const unit = connectLink(endpoint, 'amb-demo-01', 'amb-demo-01', (topic, payload) =>
      Promise.resolve(void seen.push(`${topic} ${new TextDecoder().decode(payload)}`)),
    );
    await waitFor(() => unit.isUp, 'unit up');
    expect((await unit.subscribe(topics.allHospitalPresence)).ok).toBe(true);
    const forged = encodePresence({ v: 1, state: 'up', epoch: 'f'.repeat(32) });
    // Another unit, and another hospital, may not announce hosp-demo-b (PUBACK 0x87 on MQTT 5).
    const otherUnit = connectLink(endpoint, 'amb-demo-02');
    const hospitalA = connectLink(endpoint, 'hosp-demo-a');
    await waitFor(() => otherUnit.isUp && hospitalA.isUp, 'others up');
    const refused = { ok: false, error: 'refused' };
    expect(await otherUnit.publish(topics.hospitalPresence('hosp-demo-b'), forged, true)).toEqual(refused);
    expect(await hospitalA.publish(topics.hospitalPresence('hosp-demo-b'), forged, true)).toEqual(refused);
    // Nor may the unit that reads them.
    expect(await unit.publish(topics.hospitalPresence('hosp-demo-a'), forged, true)).toEqual(refused);
    // hosp-demo-b itself announces (as its role does, src/roles/runtime.ts): that is what arrives.
    const hospitalB = openLink(
      endpoint,
      'hosp-demo-b',
      'hosp-demo-b',
      topics.hospitalPresence('hosp-demo-b'),
    );
    hospitalB.onMessage(() => Promise.resolve());
    hospitalB.connect();
    // Retained presences from the tests before (each hospital's last word: down) may come first.
    const presenceB = topics.hospitalPresence('hosp-demo-b');
    const upAt = await waitFor(() => {
      const i = seen.findIndex((m) => m.startsWith(`${presenceB} `) && m.includes('"up"'));
      return i < 0 ? undefined : i + 1;
    }, 'hosp-demo-b up');
    const payload = (seen[upAt - 1] ?? '').slice(presenceB.length + 1);
    expect(parsePresence(new TextEncoder().encode(payload))).toMatchObject({
      ok: true,
      value: { state: 'up' },
    });
    expect(seen.filter((m) => m.includes('f'.repeat(32)))).toEqual([]);
    // Its clean close asks for its Last Will (MQTT 5 reason 0x04): units see it go down.
    await hospitalB.close();
    await waitFor(() => seen.length > upAt || undefined, 'hosp-demo-b down');
    expect(seen.slice(upAt)).toEqual([`${presenceB} {"v":1,"state":"down"}`]);
    await hospitalA.close();
    // A Last Will the ACL does not allow (a gateway upgraded before make-acl.sh ran again looks the
    // same to the broker) does not keep the principal off the broker: it connects, presence or not.
    const strayWill = openLink(endpoint, 'hosp-demo-a', 'hosp-demo-a', presenceB);
    strayWill.onMessage(() => Promise.resolve());
    strayWill.connect();
    await waitFor(() => strayWill.isUp, 'connected with a will the ACL refuses');
    await Promise.all([unit.close(), otherUnit.close(), strayWill.close(true)]);
  });

  it('lets only a unit write its own presence, which hospitals read (others forging it: 0x87)', async () => {
    const seen: string[] = [];
    const hospital = connectLink(endpoint, 'hosp-demo-a', 'hosp-demo-a', (topic, payload) =>
      Promise.resolve(void seen.push(`${topic} ${new TextDecoder().decode(payload)}`)),
    );
    const otherUnit = connectLink(endpoint, 'amb-demo-02');
    await waitFor(() => hospital.isUp && otherUnit.isUp, 'links up');
    expect((await hospital.subscribe(topics.allUnitPresence)).ok).toBe(true);
    const forged = encodePresence({ v: 1, state: 'up', epoch: 'e'.repeat(32) });
    const refused = { ok: false, error: 'refused' };
    expect(await otherUnit.publish(topics.unitPresence('amb-demo-01'), forged, true)).toEqual(refused);
    expect(await hospital.publish(topics.unitPresence('amb-demo-01'), forged, true)).toEqual(refused);
    // amb-demo-01 itself announces (as the ambulance role does): that is what arrives.
    const unit = openLink(endpoint, 'amb-demo-01', 'amb-demo-01', topics.unitPresence('amb-demo-01'));
    unit.onMessage(() => Promise.resolve());
    unit.connect();
    const presence = topics.unitPresence('amb-demo-01');
    await waitFor(
      () => seen.some((m) => m.startsWith(`${presence} `) && m.includes('"up"')),
      'amb-demo-01 up',
    );
    expect(seen.filter((m) => m.includes('e'.repeat(32)))).toEqual([]);
    await Promise.all([unit.close(), otherUnit.close(), hospital.close()]);
  });
});
