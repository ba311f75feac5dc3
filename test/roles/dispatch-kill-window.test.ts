import Database from 'better-sqlite3';
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
import {
  BrokerLink,
  encodeBody,
  encodeDispatchBody,
  topics,
  type SealedEnvelope,
  type SealInput,
} from '../../src/hospital-feed/index.js';
import { silentLogger } from '../../src/log/index.js';
import { TEST_KILL_AFTER_OPEN } from '../../src/roles/dispatch/test-seam.js';
import { SodiumEnvelopeCodec } from '../../src/roles/envelope-codec.js';
import { httpRequest } from '../support/http-client.js';
import {
  brokerAndKeys,
  DISPATCH,
  HOSPITAL,
  startFleet,
  UNIT,
  type Fleet,
  type RoleProcess,
} from '../support/role-processes.js';
import {
  apiLogIn,
  askAndSeeOnTheDesk,
  inquiryFleet,
  panel,
  panelMatch,
  postForm,
  type RoleSession,
} from '../support/role-http.js';
import { waitFor } from '../support/wait.js';

/** The seam killed the process (SIGKILL, as kill -9) right after it opened a message; then it runs again. */
const killedAndRestarted = async (fleet: Fleet, role: RoleProcess, env: Record<string, string> = {}) => {
  await role.process.exited;
  expect(role.process.child.signalCode).toBe('SIGKILL');
  return fleet.restart(role, 'SIGKILL', env);
};

const count = (html: string, pattern: RegExp): number => html.match(pattern)?.length ?? 0;

/** Seals as `from` (its key file from the fleet) to dispatch, as that principal's role would. */
const sealAs = async (fleet: Fleet, from: string, input: Omit<SealInput, 'to'>): Promise<SealedEnvelope> => {
  const identity = await readKeyFile(fleet.keys.keyFile(from));
  if (!identity.ok) throw toError(identity.error);
  const directory = await DirectorySource.load(
    fleet.keys.directoryFile,
    fromBase64(fleet.keys.operatorPublicKey) as Uint8Array,
    silentLogger,
  );
  if (!directory.ok) throw toError(directory.error);
  try {
    const codec = new SodiumEnvelopeCodec({
      identity: identity.value,
      keys: [identity.value],
      directory: directory.value,
      replay: new MemoryReplayStore(),
      clock: systemClock,
    });
    return await codec.seal({ ...input, to: DISPATCH });
  } finally {
    await directory.value.close();
    identity.value.wipe();
  }
};

/** Publishes bytes to dispatch's inbox through the shipped Mosquitto, with `as`'s certificate. */
const publishAs = async (fleet: Fleet, as: string, bytes: Uint8Array): Promise<void> => {
  const mqtt = brokerAndKeys(fleet.broker, fleet.keys, as)['mqtt'] as Record<string, string>;
  const link = BrokerLink.open({
    url: mqtt['url'] as string,
    protocolVersion: 5,
    clientId: as,
    caFile: mqtt['caFile'] as string,
    certFile: mqtt['certFile'] as string,
    keyFile: mqtt['keyFile'] as string,
  });
  // It only publishes; nothing is subscribed, so the handler never runs.
  link.onMessage(() => Promise.resolve());
  link.connect();
  try {
    await waitFor(() => link.isUp || undefined, `${as} link up`);
    expect((await link.publish(topics.dispatchInbox(DISPATCH), bytes)).ok).toBe(true);
  } finally {
    await link.close();
  }
};

const metric = async (url: string, name: string, reason: string): Promise<number> => {
  const text = (await httpRequest(new URL('/metrics', url).href)).body;
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`reason="${reason}"`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
};

/**
 * Dispatch killed (SIGKILL) after it opened an incoming message and before it committed what the
 * message changes: the test seam EMS_TEST_DISPATCH_KILL_AFTER_OPEN (src/roles/dispatch/test-seam.ts)
 * makes the process kill itself at that point, deterministically; the test starts it again without
 * the seam, over the shipped Mosquitto, and the broker delivers the message again to dispatch's
 * persistent session (it never had its PUBACK). Before: the envelope id was remembered in
 * `replay.sqlite` as it was opened, so the redelivered copy was refused as a replay and the message
 * was lost (the hospital saw its acceptance sent, dispatch never showed it).
 */
describe('a hospital answer lost with dispatch between its opening and its case commit', () => {
  let fleet: Fleet;

  beforeAll(async () => {
    fleet = await inquiryFleet({ [TEST_KILL_AFTER_OPEN]: 'inquiry-answer' });
  }, 120_000);

  afterAll(async () => {
    await fleet?.close();
  });

  it('is delivered again after the restart, shown once and confirmed', async () => {
    const before = fleet.dispatch;
    const hospital = fleet.hospital;
    if (before === undefined || hospital === undefined) throw new Error('roles missing');
    const [desk, board] = await Promise.all([apiLogIn(before.login), apiLogIn(hospital.login)]);
    const { caseId, inquiryId } = await askAndSeeOnTheDesk(before.url, desk, hospital.url, board);
    expect(
      await postForm(hospital.url, board, '/hospital/inquiries/answer', { inquiryId, kind: 'accept' }),
    ).toBe(303);
    const dispatch = await killedAndRestarted(fleet, before);
    await panelMatch(
      dispatch.url,
      desk,
      'inquiries',
      /data-phase="accepted"/,
      'the acceptance after the restart',
    );
    await panelMatch(
      hospital.url,
      board,
      'inquiry-requests',
      /data-state="confirmed"/,
      'the confirmation on the hospital desk',
    );
    const cases = await panel(dispatch.url, desk, 'inquiries');
    expect(count(cases, /data-case="/g)).toBe(1);
    expect(cases).toContain(`data-case="${caseId}"`);
    expect(count(cases, /data-phase="accepted"/g)).toBe(1);
    expect(count(await panel(dispatch.url, desk, 'incident'), /data-milestone="accepted"/g)).toBe(1);
  }, 180_000);
});

/**
 * The same window for a unit's milestone and a hospital's outcome (sealed here with the unit's and the
 * hospital's own keys, published with their certificates: neither role runs in this fleet), and the
 * unit assigned to a case across the kill -9 (before: kept in memory only, so the restarted centre
 * refused the unit's milestones as `notAssigned`). A replayed copy of each is still refused.
 */
describe('a unit milestone and a hospital outcome lost with dispatch before their commit', () => {
  let fleet: Fleet;
  let desk: RoleSession;
  let dispatch: RoleProcess;
  let caseId: string;

  beforeAll(async () => {
    fleet = await startFleet({ dispatch: { env: { [TEST_KILL_AFTER_OPEN]: 'milestone' } } });
    if (fleet.dispatch === undefined) throw new Error('no dispatch');
    dispatch = fleet.dispatch;
    desk = await apiLogIn(dispatch.login);
    expect(
      await postForm(dispatch.url, desk, '/dispatch/incident', {
        place: 'shinjuku',
        category: 'stroke',
        acuity: 'serious',
        ageBand: '75-89',
        sex: 'female',
      }),
    ).toBe(303);
    const [, id = ''] = await panelMatch(
      dispatch.url,
      desk,
      'incident',
      /data-case-timeline="(case-[0-9a-f]+)"/,
      'the case on the incident panel',
    );
    caseId = id;
  }, 120_000);

  afterAll(async () => {
    await fleet?.close();
  });

  it('the unit stays assigned, its milestone is recorded once, and a replay of it is refused', async () => {
    expect(await postForm(dispatch.url, desk, '/dispatch/cases/assign', { caseId, unitId: UNIT })).toBe(303);
    expect(await panel(dispatch.url, desk, 'incident')).toContain(`data-assigned="${UNIT}"`);
    const body = encodeDispatchBody({
      kind: 'milestone',
      body: { caseId, unitId: UNIT, milestone: 'departure', at: Date.now() },
    });
    if (!body.ok) throw new Error(body.error.code);
    const sealed = await sealAs(fleet, UNIT, {
      kind: 'milestone',
      body: body.value,
      stream: caseId,
      sequence: 3,
      expiresAt: Date.now() + 3600_000,
    });
    await publishAs(fleet, UNIT, sealed.bytes);
    dispatch = await killedAndRestarted(fleet, dispatch);
    await panelMatch(
      dispatch.url,
      desk,
      'incident',
      /data-milestone="departure"/,
      'the departure after the restart',
    );
    const incident = await panel(dispatch.url, desk, 'incident');
    expect(incident).toContain(`data-assigned="${UNIT}"`);
    expect(count(incident, /data-milestone="departure"/g)).toBe(1);

    await publishAs(fleet, UNIT, sealed.bytes);
    await waitFor(
      async () =>
        (await metric(dispatch.url, 'ems_dispatch_inbox_rejected_total', 'replayed')) === 1 || undefined,
      'the replayed milestone refused',
    );
    expect(count(await panel(dispatch.url, desk, 'incident'), /data-milestone="departure"/g)).toBe(1);
  }, 120_000);

  it('the outcome is stored once, and a replay of it stores nothing', async () => {
    dispatch = await fleet.restart(dispatch, 'SIGKILL', { [TEST_KILL_AFTER_OPEN]: 'outcome' });
    const body = encodeBody({
      kind: 'outcome',
      body: {
        reportId: 'report-kill-window',
        outcomeId: 'outcome-kill-window',
        diagnosis: { icd10: 'I63.9' },
        disposition: 'admitted',
        case: { dispatchId: DISPATCH, caseId },
        decidedAt: new Date().toISOString(),
      },
    });
    if (!body.ok) throw new Error(body.error.code);
    const sealed = await sealAs(fleet, HOSPITAL, {
      kind: 'outcome',
      body: body.value,
      stream: 'report-kill-window',
      sequence: 1,
      expiresAt: Date.now() + 3600_000,
    });
    await publishAs(fleet, HOSPITAL, sealed.bytes);
    dispatch = await killedAndRestarted(fleet, dispatch);
    const rows = (): number => {
      const db = new Database(join(dispatch.dataDir, 'outcomes.sqlite'), { readonly: true });
      try {
        return (db.prepare('SELECT count(*) AS n FROM outcomes').get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    await waitFor(() => rows() === 1 || undefined, 'the outcome stored after the restart', 30_000, 100);
    await publishAs(fleet, HOSPITAL, sealed.bytes);
    // The replay is acknowledged again (the hospital's outbox stops), never stored twice: once the
    // centre handled it (its refusal of a second, unknown envelope shows it read on), one row.
    const junk = new Uint8Array([1, 2, 3]);
    await publishAs(fleet, HOSPITAL, junk);
    await waitFor(
      async () =>
        (await metric(dispatch.url, 'ems_dispatch_inbox_rejected_total', 'malformed')) >= 1 || undefined,
      'the centre read past the replay',
    );
    expect(rows()).toBe(1);
  }, 120_000);
});
