import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/index.js';
import {
  DirectorySource,
  fromBase64,
  MemoryReplayStore,
  readKeyFile,
  toError,
} from '../../src/crypto/index.js';
import { buildTimelines, computeKpis, UNIT_MILESTONES } from '../../src/dispatch/index.js';
import { BrokerLink, topics } from '../../src/hospital-feed/index.js';
import { silentLogger } from '../../src/log/index.js';
import { TimelineStore } from '../../src/roles/dispatch/index.js';
import { SodiumEnvelopeCodec } from '../../src/roles/envelope-codec.js';
import {
  DISPATCH,
  OTHER_UNIT,
  UNIT,
  holderWith,
  startRig,
  type Rig,
  type RigDispatch,
} from '../support/tablet-rig.js';
import { sealForDispatch } from '../support/dispatch-seal.js';
import { waitFor } from '../support/wait.js';
import { unwrap } from '../support/feed/harness.js';

/** What the dispatch timeline holds for a case, read from its SQLite file (WAL: a second reader is fine). */
const timelineOf = (d: RigDispatch, caseId: string) => {
  const store = unwrap(TimelineStore.open(join(d.dataDir, 'timeline.sqlite')));
  try {
    return {
      events: unwrap(store.ofCase(caseId)),
      kpis: computeKpis(buildTimelines(unwrap(store.since(0)))),
    };
  } finally {
    store.close();
  }
};

const metric = async (url: string, name: string, reason: string): Promise<number> => {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`reason="${reason}"`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
};

/** Seals a milestone as another ambulance unit would, and publishes it to the centre's inbox. */
const milestoneFrom = async (rig: Rig, unitId: string, caseId: string): Promise<void> => {
  const identity = await readKeyFile(rig.keys.keyFile(unitId));
  if (!identity.ok) throw toError(identity.error);
  const directory = await DirectorySource.load(
    rig.keys.directoryFile,
    fromBase64(rig.keys.operatorPublicKey) as Uint8Array,
    silentLogger,
  );
  if (!directory.ok) throw toError(directory.error);
  const codec = new SodiumEnvelopeCodec({
    identity: identity.value,
    keys: [identity.value],
    directory: directory.value,
    replay: new MemoryReplayStore(),
    clock: systemClock,
  });
  const sealed = await sealForDispatch(
    codec,
    DISPATCH,
    {
      kind: 'milestone',
      body: { caseId, unitId, milestone: 'departure', at: Date.now() },
    },
    { stream: caseId, sequence: 3, expiresAt: Date.now() + 60_000 },
  );
  const link = BrokerLink.open({ url: rig.brokerUrl, protocolVersion: 4, clientId: `${unitId}-test` });
  // It only publishes; nothing is subscribed, so the handler never runs.
  link.onMessage(() => Promise.resolve());
  link.connect();
  try {
    await waitFor(() => link.isUp || undefined, 'other unit link up');
    expect((await link.publish(topics.dispatchInbox(DISPATCH), sealed.bytes)).ok).toBe(true);
  } finally {
    await link.close();
    await directory.value.close();
    identity.value.wipe();
  }
};

describe('unit milestones: dispatch assigns a unit, the tablet reports what only it sees', () => {
  let rig: Rig;
  let dispatch: RigDispatch;
  beforeAll(async () => {
    rig = await startRig({ dispatch: true });
    if (rig.dispatch === undefined) throw new Error('no dispatch role');
    dispatch = rig.dispatch;
  }, 60_000);
  afterAll(async () => rig?.close());

  it('assign → the tablet shows the case → card read, summary viewed, departure, arrival reach the timeline and the KPIs', async () => {
    const { crew } = rig;
    const { dispatcher } = dispatch;
    const entered = await dispatcher.post('/dispatch/incident', {
      place: 'shinjuku',
      category: 'stroke',
      acuity: 'serious',
      ageBand: '65-74',
      sex: 'female',
    });
    expect(entered.status).toBe(303);
    const caseId = await waitFor(
      async () => /data-case-timeline="(case-[0-9a-f]+)"/.exec(await dispatcher.panel('incident'))?.[1],
      'a case on the dispatch screen',
    );
    // The screen offers both units of the directory.
    expect(await dispatcher.panel('incident')).toContain(`value="${OTHER_UNIT}"`);
    expect((await dispatcher.post('/dispatch/cases/assign', { caseId, unitId: UNIT })).status).toBe(303);
    expect(await dispatcher.panel('incident')).toContain(`data-assigned="${UNIT}"`);
    await crew.cardShows(`data-case="${caseId}"`);

    expect((await crew.post('/tablet/demo/insert', { holder: String(holderWith('active')) })).status).toBe(
      303,
    );
    await crew.cardShows('data-phase="card-present"');
    const tap = await crew.tap();
    expect((await crew.post('/tablet/identify', { tap, mode: 'visual' })).status).toBe(303);
    await crew.cardShows('data-milestone="cardRead" data-state="sent"');
    await crew.post('/tablet/consent', { tap, basis: 'given' });
    await crew.cardShows('data-outcome="ok"');
    expect(await crew.panel('summary')).toContain('data-summary');
    await crew.cardShows('data-milestone="summaryViewed" data-state="sent"');
    expect((await crew.post('/tablet/milestone', { milestone: 'departure' })).status).toBe(303);
    expect((await crew.post('/tablet/milestone', { milestone: 'arrival' })).status).toBe(303);
    const card = await crew.cardShows('data-milestone="arrival" data-state="sent"');
    // Once sent, the buttons go away; a second press would change nothing anyway.
    expect(card).not.toContain('data-action="departure"');

    const screen = await waitFor(async () => {
      const html = await dispatcher.panel('incident');
      return UNIT_MILESTONES.every((m) => html.includes(`data-milestone="${m}"`)) ? html : undefined;
    }, 'all four milestones on the dispatch screen');
    expect(screen).toContain('data-milestone="call"');
    const { events, kpis } = timelineOf(dispatch, caseId);
    expect(events.map((e) => e.kind)).toEqual(['call', ...UNIT_MILESTONES]);
    expect(kpis.unitMilestones).toEqual({ cardRead: 1, summaryViewed: 1, departure: 1, arrival: 1 });
    expect(kpis.callToArrival?.count).toBe(1);
    // Each milestone's count, then the cases they are counted of (the KPI's base, issue 15).
    expect(await dispatcher.panel('kpis')).toMatch(/data-kpi="unitMilestones">1 \/ 1 \/ 1 \/ 1 \/ 1</);

    // A pressed-again arrival is not sent twice (the tablet keeps what it sent).
    expect((await crew.post('/tablet/milestone', { milestone: 'arrival' })).status).toBe(303);
    expect(await metric(dispatch.role.url, 'ems_dispatch_milestones_rejected_total', 'duplicate')).toBe(0);
  }, 60_000);

  it('refuses and counts a milestone from a unit not assigned to the case; the timeline is unchanged', async () => {
    const { dispatcher } = dispatch;
    const caseId = /data-case-timeline="(case-[0-9a-f]+)"/.exec(await dispatcher.panel('incident'))?.[1];
    if (caseId === undefined) throw new Error('no case from the first test');
    const before = timelineOf(dispatch, caseId).events.length;
    await milestoneFrom(rig, OTHER_UNIT, caseId);
    await waitFor(
      async () =>
        (await metric(dispatch.role.url, 'ems_dispatch_milestones_rejected_total', 'notAssigned')) === 1 ||
        undefined,
      'the foreign milestone counted',
    );
    expect(timelineOf(dispatch, caseId).events).toHaveLength(before);
  }, 30_000);

  it('an arrival before the departure is refused, by the button and by a handover (issue 15: the call-to-arrival KPI)', async () => {
    const { crew } = rig;
    const { dispatcher } = dispatch;
    await dispatcher.post('/dispatch/incident', {
      place: 'shinjuku',
      category: 'stroke',
      acuity: 'serious',
      ageBand: '65-74',
      sex: 'male',
    });
    const caseId = await waitFor(async () => {
      const ids = [
        ...(await dispatcher.panel('incident')).matchAll(/data-case-timeline="(case-[0-9a-f]+)"/g),
      ];
      const latest = ids.at(-1)?.[1];
      return latest !== undefined && !(await crew.panel('card')).includes(`data-case="${latest}"`)
        ? latest
        : undefined;
    }, 'a second case');
    expect((await dispatcher.post('/dispatch/cases/assign', { caseId, unitId: UNIT })).status).toBe(303);
    await crew.cardShows(`data-case="${caseId}"`);
    // No arrival button before the departure, and a posted arrival is refused with the reason.
    expect(await crew.panel('card')).not.toContain('data-action="arrival"');
    await crew.post('/tablet/milestone', { milestone: 'arrival' });
    await crew.cardShows('data-notice="departure-first"');
    // A handover of the patient left from before (at the hospital, by the crew's word) records no arrival.
    const tap = await crew.tap();
    await crew.post('/tablet/handover', { tap, confirm: 'yes' });
    const card = await crew.cardShows('カードなし');
    expect(card).toContain('data-milestone="arrival" data-state="none"');
    expect(timelineOf(dispatch, caseId).events.map((e) => e.kind)).not.toContain('arrival');
  }, 60_000);
});
