import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import { MemoryReplayStore } from '../../src/crypto/index.js';
import { computeOutcomeKpis } from '../../src/dispatch/index.js';
import {
  openIncomingOrDispatch,
  SqliteOutboxStore,
  topics,
  type BrokerLink,
} from '../../src/hospital-feed/index.js';
import { silentLogger } from '../../src/log/index.js';
import { OutcomeDesk, type OutcomeRefusal } from '../../src/roles/dispatch/outcome-desk.js';
import { goodStatus } from '../dispatch/arbitraries.js';
import { connectLink, hospitalFeed, unitFeed, unwrap, type Endpoint } from '../support/feed/harness.js';
import { feedCodec, feedKeys } from '../support/feed/keys.js';
import { MosquittoBroker } from '../support/feed/mosquitto.js';
import { sampleReport } from '../support/feed/sample.js';
import { waitFor } from '../support/wait.js';

let broker: MosquittoBroker;
let endpoint: Endpoint;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'feed-outcome-'));
  broker = await MosquittoBroker.create(dir, {
    units: ['amb-demo-01'],
    hospitals: ['hosp-demo-a'],
    dispatch: ['dispatch-demo'],
  });
  endpoint = { url: broker.url, protocolVersion: 5, pki: broker.pki, keys: await feedKeys(dir) };
});

afterAll(async () => {
  await broker.stop();
});

describe('outcome feedback end to end over Mosquitto (MQTT 5, TLS, ACLs, real envelopes)', () => {
  it('reaches the crew with its note and the dispatch case without it; both acknowledge, KPIs count it', async () => {
    const hospitalDir = mkdtempSync(join(dir, 'h-'));
    const hospital = await hospitalFeed(endpoint, 'hosp-demo-a', hospitalDir);
    const unit = await unitFeed(endpoint, 'amb-demo-01', { dir: mkdtempSync(join(dir, 'u-')) });

    // The dispatch centre as its role runs it: its own codec, the outcome desk on its inbox.
    const clock = new ManualClock(Date.now());
    const crypto = await feedCodec(endpoint.keys, 'dispatch-demo', { store: new MemoryReplayStore() });
    const refused: OutcomeRefusal[] = [];
    // Set once the link it acknowledges on exists; the handler only runs after the subscription below.
    const held: { desk?: OutcomeDesk } = {};
    const bodies: unknown[] = [];
    const dispatchLink: BrokerLink = connectLink(
      endpoint,
      'dispatch-demo',
      'dispatch-demo',
      async (_t, payload) => {
        const opened = await openIncomingOrDispatch(crypto.codec, payload, ['outcome'], []);
        if (!opened.ok) {
          if (opened.error.messageId !== undefined) held.desk?.redelivered(opened.error.messageId);
          return;
        }
        if ('message' in opened.value && opened.value.message.kind === 'outcome') {
          bodies.push(opened.value.message.body);
          held.desk?.receive(opened.value.envelope, opened.value.message.body);
        }
      },
    );
    const desk = unwrap(
      OutcomeDesk.open(join(mkdtempSync(join(dir, 'd-')), 'outcomes.sqlite'), {
        dispatchId: 'dispatch-demo',
        codec: crypto.codec,
        link: dispatchLink,
        clock,
        categoryOf: (caseId) => (caseId === 'case-e2e-1' ? 'stroke' : undefined),
        statusOf: (id) => (id === 'hosp-demo-a' ? goodStatus(id) : undefined),
        rejected: (reason) => void refused.push(reason),
        logger: silentLogger,
      }),
    );
    held.desk = desk;
    await hospital.receiver.start();
    await unit.feed.start();
    await waitFor(() => unit.link.isUp && hospital.link.isUp && dispatchLink.isUp, 'links up');
    expect((await dispatchLink.subscribe(topics.dispatchInbox('dispatch-demo'))).ok).toBe(true);

    const sent = unwrap(
      await unit.feed.submitReport('hosp-demo-a', {
        ...sampleReport(1),
        dispatch: { dispatchId: 'dispatch-demo', caseId: 'case-e2e-1' },
      }),
    );
    await waitFor(() => unit.feed.report(sent.reportId)?.state === 'received', 'report received');
    // A message both ways on the way in, then the handover closes the conversation.
    unwrap(
      await hospital.receiver.threads.send('amb-demo-01', sent.reportId, {
        type: 'quick',
        quick: 'go-to-resus-2',
      }),
    );
    await waitFor(() => unit.feed.threads.unread(sent.reportId) === 1, 'message at the crew');
    unwrap(await hospital.receiver.handover('amb-demo-01', sent.reportId));
    await waitFor(() => unit.feed.report(sent.reportId)?.state === 'handed-over', 'handed over');
    expect(unit.feed.threads.thread(sent.reportId)).toEqual([]);

    const outcome = unwrap(
      await hospital.receiver.threads.sendOutcome('amb-demo-01', sent.reportId, {
        icd10: 'I63.9',
        diagnosis: '心原性脳塞栓症',
        disposition: 'icu',
        note: '血栓回収を実施しました',
      }),
    );
    expect(outcome.toDispatch).toBe('queued');
    await waitFor(() => unit.feed.threads.outcomes().length === 1, 'outcome at the crew');
    expect(unit.feed.threads.outcomes()[0]).toMatchObject({
      reportId: sent.reportId,
      peer: 'hosp-demo-a',
      icd10: 'I63.9',
      diagnosis: '心原性脳塞栓症',
      disposition: 'icu',
      note: '血栓回収を実施しました',
    });
    await waitFor(() => desk.facts(0).length === 1, 'outcome at dispatch');
    expect(bodies[0]).not.toHaveProperty('note');
    expect(bodies[0]).toMatchObject({ case: { dispatchId: 'dispatch-demo', caseId: 'case-e2e-1' } });
    expect(refused).toEqual([]);

    // Both recipients acknowledged: the hospital's reply outbox empties (nothing resent for ever).
    const outboxFile = join(hospitalDir, 'outbox.sqlite');
    await waitFor(() => {
      const s = unwrap(SqliteOutboxStore.open(outboxFile));
      const live = s.live().length;
      s.close();
      return live === 0;
    }, 'hospital outbox empty');
    expect(desk.facts(0)).toHaveLength(1);
    const kpis = computeOutcomeKpis(desk.facts(0));
    expect(kpis.outcomes).toBe(1);
    expect(kpis.byDisposition.icu).toBe(1);
    expect(kpis.stroke).toEqual({ patients: 1, known: 1, toStrokeCapable: 1, share: 1 });
    expect(kpis.strokeDispatch).toEqual({ cases: 1, confirmed: 1, share: 1 });

    await unit.close();
    await hospital.close();
    await dispatchLink.close();
    desk.close();
    crypto.close();
  });
});
