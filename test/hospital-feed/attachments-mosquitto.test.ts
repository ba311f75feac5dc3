import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryReplayStore } from '../../src/crypto/index.js';
import {
  ATTACHMENT_KIND,
  attachmentDigest,
  chunkBodies,
  CHUNK_DATA_BYTES,
  MAX_PACKET_BYTES,
  SqliteOutboxStore,
  topics,
  type EnvelopeCodec,
} from '../../src/hospital-feed/index.js';
import type { DemoKeys } from '../../src/roles/demo-keys.js';
import { patternJpeg } from '../support/feed/attachment-sample.js';
import { connectLink, hospitalFeed, unitFeed, unwrap, type Endpoint } from '../support/feed/harness.js';
import { feedCodec, feedKeys } from '../support/feed/keys.js';
import { MosquittoBroker } from '../support/feed/mosquitto.js';
import { FeedProcess } from '../support/feed/process.js';
import { sampleReport } from '../support/feed/sample.js';
import { waitFor } from '../support/wait.js';

let broker: MosquittoBroker;
let endpoint: Endpoint;
let keys: DemoKeys;
let dir: string;
const processes: FeedProcess[] = [];
const fresh = (name: string): string => mkdtempSync(join(dir, `${name}-`));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'feed-attach-'));
  // The shipped mosquitto.conf (make-conf.sh), with its max_packet_size.
  broker = await MosquittoBroker.create(dir, {
    units: ['amb-demo-01', 'amb-demo-02'],
    hospitals: ['hosp-demo-a', 'hosp-demo-b'],
    dispatch: [],
  });
  keys = await feedKeys(dir);
  endpoint = { url: broker.url, protocolVersion: 5, pki: broker.pki, keys };
});

afterAll(async () => {
  for (const p of processes) await p.kill();
  await broker.stop();
});

const sha = (bytes: Uint8Array, reportId: string, attachmentId: string): string =>
  attachmentDigest(reportId, attachmentId, bytes);

describe('attachments over the shipped Mosquitto (MQTT 5, TLS, ACLs, max_packet_size)', () => {
  it('a 1 MB photo and small reports at once: the reports are on the board first, the photo arrives whole', async () => {
    const hospital = await hospitalFeed(endpoint, 'hosp-demo-a', fresh('h'));
    const unitDir = fresh('u');
    const unit = await unitFeed(endpoint, 'amb-demo-01', { dir: unitDir });
    const timeline: string[] = [];
    hospital.receiver.on('board', (e) => timeline.push(`${e.type}:${e.report.reportId}`));
    hospital.receiver.on('attachment', (a) => timeline.push(`attachment-${a.status}:${a.attachmentId}`));
    await hospital.receiver.start();
    await unit.feed.start();
    await waitFor(() => unit.link.isUp && hospital.link.isUp, 'links up');
    const first = unwrap(await unit.feed.submitReport('hosp-demo-a', sampleReport(0)));
    await waitFor(() => unit.feed.report(first.reportId)?.state === 'received', 'first report received');

    const photo = patternJpeg(1_000_000, 3);
    const [attached, ...reports] = await Promise.all([
      unit.feed.sendAttachment(first.reportId, { mediaType: 'image/jpeg', category: 'injury', bytes: photo }),
      ...Array.from({ length: 5 }, (_, i) => unit.feed.submitReport('hosp-demo-a', sampleReport(i + 1))),
    ]);
    const sent = unwrap(attached);
    expect(sent.messageIds).toHaveLength(Math.ceil(1_000_000 / CHUNK_DATA_BYTES));
    // Every envelope in the outbox (chunks included) fits one packet of the broker's limit.
    const outbox = unwrap(SqliteOutboxStore.open(join(unitDir, 'outbox.sqlite')));
    for (const e of outbox.live()) expect(e.bytes.byteLength + 200).toBeLessThan(MAX_PACKET_BYTES);
    outbox.close();

    await waitFor(() => timeline.some((t) => t.startsWith('attachment-')), 'attachment assembled', 30_000);
    const ids = reports.map((r) => unwrap(r).reportId);
    const done = timeline.findIndex((t) => t.startsWith('attachment-complete'));
    for (const id of ids) {
      const shown = timeline.indexOf(`report-new:${id}`);
      expect(shown).toBeGreaterThanOrEqual(0);
      expect(shown).toBeLessThan(done);
    }
    const [stored] = hospital.receiver.attachments('amb-demo-01', first.reportId);
    expect(stored).toMatchObject({ status: 'complete', mediaType: 'image/jpeg', size: photo.byteLength });
    const got = hospital.receiver.attachment('amb-demo-01', first.reportId, sent.attachmentId);
    expect(got && Buffer.from(got.data).equals(Buffer.from(photo))).toBe(true);
    // Bound to its report: asked under another report of the same unit, it is not there.
    expect(hospital.receiver.attachment('amb-demo-01', ids[0] ?? '', sent.attachmentId)).toBeUndefined();
    await waitFor(() => unit.feed.pending === 0, 'every chunk acknowledged');
    expect(unit.feed.unacknowledged(sent.messageIds)).toBe(0);
    await unit.close();
    await hospital.close();
  });

  it('the broker refuses one envelope over its packet limit: why attachments are chunked', async () => {
    const { codec } = await feedCodec(keys, 'amb-demo-02', { store: new MemoryReplayStore() });
    const big = await codec.seal({
      kind: ATTACHMENT_KIND,
      to: 'hosp-demo-b',
      body: new Uint8Array(MAX_PACKET_BYTES - 100),
      stream: 'too-big',
      sequence: 1,
      expiresAt: Date.now() + 60_000,
    });
    const link = connectLink(endpoint, 'amb-demo-02');
    await waitFor(() => link.isUp, 'link up');
    // MQTT 5 §3.1.2.11.4: a packet over the server's Maximum Packet Size ends the connection.
    const down = new Promise((resolve) => link.once('down', resolve));
    void link.publish(topics.hospitalInbox('hosp-demo-b'), big.bytes);
    await down;
    // The refused publish never gets its PUBACK: drop it rather than wait for it.
    await link.close(true);
  });

  it('refuses a tampered chunk and an attachment that does not verify; the genuine chunk still completes it', async () => {
    const hospital = await hospitalFeed(endpoint, 'hosp-demo-b', fresh('h'));
    await hospital.receiver.start();
    const link = connectLink(endpoint, 'amb-demo-02');
    await waitFor(() => link.isUp && hospital.link.isUp, 'links up');
    const { codec } = await feedCodec(keys, 'amb-demo-02', { store: new MemoryReplayStore() });
    const seal = (body: Uint8Array, stream: string, sequence: number) =>
      codec.seal({
        kind: ATTACHMENT_KIND,
        to: 'hosp-demo-b',
        body,
        stream,
        sequence,
        expiresAt: Date.now() + 60_000,
      });
    const publish = (bytes: Uint8Array) => link.publish(topics.hospitalInbox('hosp-demo-b'), bytes);
    const meta = (attachmentId: string) => ({
      reportId: 'report-tamper-01',
      attachmentId,
      mediaType: 'image/jpeg' as const,
      category: 'ecg' as const,
      addedAt: new Date().toISOString(),
    });

    // 1. One chunk's envelope changed on the way: refused by its signature; the rest wait for it.
    const photo = patternJpeg(CHUNK_DATA_BYTES * 2 + 5, 9);
    const bodies = unwrap(chunkBodies(meta('attach-genuine-1'), photo));
    const envelopes = await Promise.all(bodies.map((b, i) => seal(b.body, 'attach-genuine-1', i + 1)));
    const tampered = Uint8Array.from(envelopes[1]!.bytes);
    tampered[tampered.length - 1000] = (tampered[tampered.length - 1000] ?? 0) ^ 0x10;
    await publish(envelopes[0]!.bytes);
    await publish(tampered);
    await publish(envelopes[2]!.bytes);
    await waitFor(() => hospital.counts.rejected.tampered === 1, 'tampered chunk refused');
    expect(hospital.receiver.attachments('amb-demo-02', 'report-tamper-01')).toEqual([]);
    await publish(envelopes[1]!.bytes);
    await waitFor(
      () => hospital.receiver.attachments('amb-demo-02', 'report-tamper-01').length === 1,
      'completed',
    );
    expect(hospital.receiver.attachments('amb-demo-02', 'report-tamper-01')[0]).toMatchObject({
      status: 'complete',
      digest: sha(photo, 'report-tamper-01', 'attach-genuine-1'),
    });

    // 2. Signed by the unit, but the bytes are not those its digest names (a faulty or hostile sender).
    const forged = unwrap(chunkBodies(meta('attach-forged-1'), photo)).map((b, i) => {
      if (i !== 2) return b.body;
      const body = Uint8Array.from(b.body);
      body[body.length - 1] = (body[body.length - 1] ?? 0) ^ 0xff;
      return body;
    });
    for (const [i, body] of forged.entries())
      await publish((await seal(body, 'attach-forged-1', i + 1)).bytes);
    await waitFor(() => hospital.counts.rejected['attachment-mismatch'] === 1, 'mismatch refused');
    const refused = hospital.receiver
      .attachments('amb-demo-02', 'report-tamper-01')
      .find((a) => a.attachmentId === 'attach-forged-1');
    expect(refused).toMatchObject({ status: 'refused', refusal: 'digest-mismatch' });
    expect(
      hospital.receiver.attachment('amb-demo-02', 'report-tamper-01', 'attach-forged-1'),
    ).toBeUndefined();

    // 3. Chunks only from an ambulance: a hospital's key may not attach anything.
    const { codec: asHospital } = await feedCodec(keys, 'hosp-demo-a', { store: new MemoryReplayStore() });
    const fromHospital = await asHospital.seal({
      kind: ATTACHMENT_KIND,
      to: 'hosp-demo-b',
      body: unwrap(chunkBodies(meta('attach-hosp-1'), patternJpeg(100)))[0]!.body,
      stream: 'attach-hosp-1',
      sequence: 1,
      expiresAt: Date.now() + 60_000,
    });
    await publish(fromHospital.bytes);
    await waitFor(() => hospital.counts.rejected['wrong-role'] === 1, 'wrong role refused');
    await link.close();
    await hospital.close();
  });

  it(
    'kill -9 of the unit mid-upload, then a restart: the attachment completes once, nothing duplicated',
    { timeout: 120_000 },
    async () => {
      const size = CHUNK_DATA_BYTES * 12 + 77;
      // The hospital opens chunks slowly, so the unit is surely killed with chunks still to send.
      let opened = 0;
      const slow = (codec: EnvelopeCodec): EnvelopeCodec => ({
        seal: (input) => codec.seal(input),
        open: async (bytes) => {
          opened += 1;
          await new Promise((r) => setTimeout(r, 60));
          return codec.open(bytes);
        },
      });
      const hospital = await hospitalFeed(endpoint, 'hosp-demo-a', fresh('h'), undefined, slow);
      let shown = 0;
      hospital.receiver.on('board', (e) => void (e.type === 'report-new' && shown++));
      const assembled: string[] = [];
      hospital.receiver.on('attachment', (a) => assembled.push(a.status));
      await hospital.receiver.start();
      await waitFor(() => hospital.link.isUp, 'hospital up');
      const unitDir = fresh('u');
      mkdirSync(unitDir, { recursive: true });
      const unit = new FeedProcess('attachment-process', {
        EMS_URL: broker.url,
        EMS_PKI: broker.pki.dir,
        EMS_KEYS: dir,
        EMS_DIR: unitDir,
        EMS_SIZE: String(size),
      });
      processes.push(unit);
      unit.start();
      const line = await waitFor(
        () => unit.current.find((l) => l.startsWith('accepted ')),
        'accepted',
        30_000,
      );
      const reportId = line.slice('accepted '.length);
      await waitFor(() => opened >= 4, 'some chunks opened', 30_000);
      await unit.kill();
      expect(assembled).toEqual([]);
      unit.start();
      await waitFor(() => unit.current.includes('done'), 'restarted unit done', 90_000);
      await waitFor(() => assembled.length === 1, 'assembled', 30_000);
      const list = hospital.receiver.attachments('amb-demo-01', reportId);
      expect(list).toHaveLength(1);
      const got = hospital.receiver.attachment('amb-demo-01', reportId, list[0]!.attachmentId);
      expect(got && Buffer.from(got.data).equals(Buffer.from(patternJpeg(size, 42)))).toBe(true);
      expect(assembled).toEqual(['complete']);
      expect(shown).toBe(1);
      await unit.kill();
      await hospital.close();
    },
  );
});
