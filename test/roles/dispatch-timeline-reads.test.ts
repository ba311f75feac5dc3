import { closeSync, mkdtempSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ok } from '../../src/core/index.js';
import type { DirectorySource } from '../../src/crypto/index.js';
import type { DispatchConfig } from '../../src/config/index.js';
import type { BrokerLink, DispatchIncoming } from '../../src/hospital-feed/index.js';
import { createLogger } from '../../src/log/index.js';
import { Metrics } from '../../src/metrics/index.js';
import { mountDispatch, TimelineStore } from '../../src/roles/dispatch/index.js';
import type { RoleContext } from '../../src/roles/runtime.js';
import { directoryOf, fixedIdentity } from '../crypto/support.js';
import { configFor, openHarness, type Harness } from '../gateway/harness.js';

const T0 = Date.parse('2026-11-30T08:00:00Z');

/**
 * A timeline.sqlite corrupted on disk, as a failing disk or a copy cut short leaves it: written by the
 * store (a case's call, a unit's milestone with its id), then every page after the first overwritten.
 * The first page (header and schema) is intact, so the file opens; every read of a table finds a page
 * that is no b-tree page, and SQLite answers SQLITE_CORRUPT.
 */
const corruptTimeline = (file: string): void => {
  const store = TimelineStore.open(file);
  expect(store.append([{ caseId: 'case-old', kind: 'call', at: T0 }])).toEqual(ok(undefined));
  expect(store.appendMilestone({ caseId: 'case-old', kind: 'departure', at: T0 }, 'm-old', T0)).toEqual(
    ok(undefined),
  );
  // The last connection's close checkpoints the WAL into the file and removes it.
  store.close();
  const fd = openSync(file, 'r+');
  try {
    const header = Buffer.alloc(2);
    readSync(fd, header, 0, 2, 16);
    const pageSize = header.readUInt16BE(0) === 1 ? 65_536 : header.readUInt16BE(0);
    const size = statSync(file).size;
    expect(size).toBeGreaterThan(pageSize);
    writeSync(fd, Buffer.alloc(size - pageSize, 0xa5), 0, size - pageSize, pageSize);
  } finally {
    closeSync(fd);
  }
};

describe('reading a timeline.sqlite that is corrupted on disk', () => {
  it('answers every read with the storage code instead of throwing', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ems-timeline-')), 'timeline.sqlite');
    corruptTimeline(file);
    const timeline = TimelineStore.open(file);
    try {
      const failed = { ok: false, error: 'storage-failed' };
      expect(timeline.ofCase('case-old')).toEqual(failed);
      expect(timeline.since(0)).toEqual(failed);
      expect(timeline.milestonesOf('case-old')).toEqual(failed);
      expect(timeline.received('m-old')).toEqual(failed);
    } finally {
      timeline.close();
    }
  });
});

const dispatchKey = fixedIdentity('dispatch-test', 50);
const directory = {
  current: directoryOf([{ identity: dispatchKey, role: 'dispatch' }]),
} as unknown as DirectorySource;

/** A broker link that keeps what is published; nothing leaves the process. */
const quietLink = {
  isUp: true,
  receiveMaximum: undefined,
  publish: () => Promise.resolve(ok(undefined)),
  subscribe: () => Promise.resolve(ok(undefined)),
  onMessage: () => undefined,
  on: () => undefined,
} as unknown as BrokerLink;

const form = (cookie: string, fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: {
    cookie,
    'content-type': 'application/x-www-form-urlencoded',
    'sec-fetch-site': 'same-origin',
  },
  body: new URLSearchParams(fields).toString(),
});

let harness: Harness | undefined;
afterEach(() => harness?.gateway.close());

/**
 * Before, a failing timeline read threw out of the incident panel (the whole dispatcher screen failed
 * with it), the KPI panel and a unit's milestone (out of the inbox handler). Now the screen says the
 * timeline cannot be shown, where the timeline goes, and every other part of the case works.
 */
describe('the dispatcher screen over a timeline.sqlite that cannot be read', () => {
  it('says the timeline and the figures cannot be shown; the case, its ranking and its unit form work', async () => {
    const extra = { sampleRegion: { seed: 3, count: 20 } };
    harness = await openHarness('dispatch', extra);
    const h = harness;
    corruptTimeline(join(h.dataDir, 'timeline.sqlite'));
    const lines: string[] = [];
    const ctx: RoleContext = {
      logger: createLogger({ level: 'debug', sink: (line) => lines.push(line) }),
      metrics: new Metrics({}, false),
      readiness: undefined as never,
      app: h.gateway.app,
      gateway: h.gateway,
      link: quietLink,
      crypto: { identity: dispatchKey, keys: [dispatchKey], directory },
      clock: h.clock,
      onStop: () => undefined,
    };
    const parts = await mountDispatch(configFor('dispatch', h.dataDir, extra) as DispatchConfig, ctx, {
      newCaseId: () => 'case-test-1',
    });
    const { cookie, csrf } = h.session('dispatcher');
    const entered = await h.request(
      '/dispatch/incident',
      form(cookie, {
        _csrf: csrf,
        place: 'yokohama',
        lat: '',
        lon: '',
        category: 'stroke',
        acuity: 'serious',
        ageBand: '75-89',
        sex: 'female',
      }),
    );
    expect(entered.status).toBe(303);

    for (const lang of ['en', 'ja']) {
      const incident = await h.request(`/panels/incident?lang=${lang}`, { headers: { cookie } });
      expect(incident.status).toBe(200);
      const panel = await incident.text();
      expect(panel).toContain('data-case-timeline="case-test-1"');
      expect(panel).toContain('data-banner="timeline-unreadable"');
      expect(panel).toContain(
        lang === 'en' ? 'The case timeline cannot be shown' : '事案の経過を表示できません',
      );
      // No list at all: an empty one would say "nothing happened yet".
      expect(panel).not.toContain('data-milestone');
      // The rest of the case: its ranked hospitals and the unit it can be given.
      expect(panel).toMatch(/data-reason="travel"/);
      expect(panel).toContain('data-action="assign"');
    }
    const kpis = await h.request('/panels/kpis?lang=en', { headers: { cookie } });
    expect(kpis.status).toBe(200);
    expect(await kpis.text()).toContain('data-banner="kpis-unreadable"');
    // The whole screen, each panel rendered on the server.
    const screen = await h.request('/?lang=en', { headers: { cookie } });
    expect(screen.status).toBe(200);
    expect(await screen.text()).toContain('data-banner="timeline-unreadable"');
    // The operator is told the code, never the case; once for the run of failed reads (every panel
    // refresh reads the timeline again).
    const notRead = () => lines.filter((l) => l.includes('dispatch timeline not read'));
    expect(notRead()).toHaveLength(1);
    expect(notRead()[0]).toContain('storage-failed');

    // A unit's milestone is not taken while its case's milestones cannot be read: the storage code.
    const milestone = {
      envelope: { from: 'amb-1', messageId: 'm-departure' },
      dispatch: {
        kind: 'milestone',
        body: { caseId: 'case-test-1', unitId: 'amb-1', milestone: 'departure', at: h.clock.now() },
      },
    } as unknown as DispatchIncoming;
    expect(parts.units.receive(milestone)).toEqual({ ok: false, error: 'storage-failed' });

    expect(notRead()).toHaveLength(2);
    for (const line of lines) expect(line).not.toMatch(/case-test-1|amb-1|m-departure/);
  });
});
