import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DispatchConfig } from '../../src/config/index.js';
import { ok } from '../../src/core/index.js';
import { MemoryReplayStore, signStatement, type DirectorySource } from '../../src/crypto/index.js';
import { topics, type BrokerLink } from '../../src/hospital-feed/index.js';
import { silentLogger } from '../../src/log/index.js';
import { Metrics } from '../../src/metrics/index.js';
import { CASES_FILE, mountDispatch, SqliteCaseStore } from '../../src/roles/dispatch/index.js';
import { SodiumEnvelopeCodec } from '../../src/roles/envelope-codec.js';
import { closedStatus } from '../../src/roles/hospital/index.js';
import type { RoleContext } from '../../src/roles/runtime.js';
import { directoryOf, fixedIdentity, type Member } from '../crypto/support.js';
import { configFor, openHarness, type Harness } from '../gateway/harness.js';
import { sealForDispatch } from '../support/dispatch-seal.js';

const dispatchKey = fixedIdentity('dispatch-test', 50);
const hospitalKey = fixedIdentity('hospital-test', 60);
const members: Member[] = [
  { identity: dispatchKey, role: 'dispatch' },
  { identity: hospitalKey, role: 'hospital' },
];
const directory = { current: directoryOf(members) } as unknown as DirectorySource;

/**
 * A broker link whose publishes the test lets through by hand; `handler` is the role's inbox handler,
 * whose promise the real link waits for before it sends the broker the message's PUBACK (link.ts).
 */
class HeldLink extends EventEmitter {
  readonly isUp = true;
  readonly receiveMaximum = undefined;
  readonly held: (() => void)[] = [];
  hold = false;
  handler: ((topic: string, payload: Uint8Array) => Promise<void>) | undefined;
  publish() {
    if (!this.hold) return Promise.resolve(ok(undefined));
    return new Promise((resolve) => this.held.push(() => resolve(ok(undefined))));
  }
  subscribe() {
    return Promise.resolve(ok(undefined));
  }
  onMessage(handler: (topic: string, payload: Uint8Array) => Promise<void>) {
    this.handler = handler;
  }
}

/** Every callback and promise reaction already due has run. */
const drained = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

let harness: Harness | undefined;
afterEach(() => harness?.gateway.close());

/**
 * The dispatch inbox handler settles (so the broker gets its PUBACK) only once the answer it opened is
 * committed with its case, even when the case is still busy with an earlier step: before, the handler
 * returned at once (`void desk.receive(...)`), and a kill -9 before the case caught up lost an answer
 * the broker had already been told was delivered.
 */
describe('the dispatch inbox handler and its PUBACK', () => {
  it('settles only after the answer is committed with its case, behind a step still publishing', async () => {
    const extra = {
      sampleRegion: { seed: 3, count: 0 },
      extraSites: [
        {
          id: 'hospital-test',
          name: 'Test hospital',
          location: { lat: 35.466, lon: 139.623 },
          level: 'tertiary',
        },
      ],
    };
    harness = await openHarness('dispatch', extra);
    const h = harness;
    const link = new HeldLink();
    const config = configFor('dispatch', h.dataDir, extra) as DispatchConfig;
    const ctx: RoleContext = {
      logger: silentLogger,
      metrics: new Metrics({}, false),
      readiness: undefined as never,
      app: h.gateway.app,
      gateway: h.gateway,
      link: link as unknown as BrokerLink,
      crypto: { identity: dispatchKey, keys: [dispatchKey], directory },
      clock: h.clock,
      onStop: () => undefined,
    };
    const { cases } = await mountDispatch(config, ctx, { newCaseId: () => 'case-held-1' });
    const handler = link.handler;
    if (handler === undefined) throw new Error('no inbox handler');
    const status = {
      ...closedStatus('hospital-test', h.clock.now()),
      erOpen: true,
      accepts: { ...closedStatus('x', 0).accepts, stroke: true },
      beds: { free: 5, icuFree: 1 },
    };
    await handler(
      'ems/v1/hospital/hospital-test/status',
      signStatement(hospitalKey, 'hospital-status', JSON.stringify(status)),
    );
    cases.open('dispatcher-1', {
      incident: { location: { lat: 35.466, lon: 139.623 }, category: 'stroke', acuity: 'serious' },
      ageBand: '75-89',
      sex: 'female',
    });
    expect(await cases.ask('case-held-1', ['hospital-test'])).toBe(true);

    const hospital = new SodiumEnvelopeCodec({
      identity: hospitalKey,
      keys: [hospitalKey],
      directory,
      replay: new MemoryReplayStore(),
      clock: h.clock,
    });
    const accept = () =>
      sealForDispatch(
        hospital,
        config.id,
        {
          kind: 'inquiry-answer',
          body: { inquiryId: 'case-held-1-q1', hospitalId: 'hospital-test', answer: { kind: 'accept' } },
        },
        { stream: 'case-held-1-q1', sequence: 2, expiresAt: h.clock.now() + 3600_000 },
      );
    const inbox = topics.dispatchInbox(config.id);
    // The acceptance's confirmation does not get through yet: the case's queue waits on it.
    link.hold = true;
    const first = await accept();
    const firstHandled = handler(inbox, first.bytes);
    // The desk pressed accept again (a new envelope): queued behind the confirmation still going out.
    const again = await accept();
    let settled = false;
    const againHandled = handler(inbox, again.bytes).then(() => {
      settled = true;
    });
    await drained();
    const store = SqliteCaseStore.open(join(h.dataDir, CASES_FILE));
    if (!store.ok) throw new Error(store.error);
    try {
      expect(store.value.answered(first.messageId)).toMatchObject({
        ok: true,
        value: { caseId: 'case-held-1' },
      });
      expect(store.value.answered(again.messageId)).toEqual(ok(undefined));
      // Not committed, so not settled: no PUBACK for it yet.
      expect(settled).toBe(false);
      link.hold = false;
      for (const release of link.held.splice(0)) release();
      await Promise.all([firstHandled, againHandled]);
      expect(store.value.answered(again.messageId)).toMatchObject({
        ok: true,
        value: { caseId: 'case-held-1' },
      });
    } finally {
      store.value.close();
    }
  });
});
