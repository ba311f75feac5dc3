import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeBody,
  encodeBody,
  SqliteInboxStore,
  type BoardReport,
  type ReportBody,
} from '../../src/hospital-feed/index.js';
import { unwrap } from '../support/feed/harness.js';
import { sampleReport, sampleSummary } from '../support/feed/sample.js';

const encoder = new TextEncoder();
const body = (summary: unknown): Uint8Array =>
  encoder.encode(JSON.stringify({ ...sampleReport(1, 0), reportId: 'report-0001', summary }));
const decoded = (summary: unknown): ReportBody => {
  const d = decodeBody('report', body(summary));
  if (!d.ok || d.value.kind !== 'report') throw new Error(`not decoded: ${JSON.stringify(d)}`);
  return d.value.body;
};

/** The v1 summary as gateways before wire v2 sent it (plain lists, no statuses). */
const v1 = {
  allergies: [],
  medications: [
    { name: 'warfarin', flags: ['anticoagulant'] },
    { name: 'prednisolone', flags: ['steroid'] },
    { name: 'amlodipine', flags: [] },
  ],
  conditions: ['atrial fibrillation'],
  procedures: [],
  dataAsOf: '2026-11-01T00:00:00.000Z',
};

describe('wire summary v2', () => {
  it('round-trips: what is sent is what is read', () => {
    const report = { ...sampleReport(1, 0), reportId: 'report-0001' };
    const bytes = encodeBody({ kind: 'report', body: report });
    expect(bytes.ok).toBe(true);
    if (!bytes.ok) return;
    const back = decodeBody('report', bytes.value);
    expect(back).toEqual({ ok: true, value: { kind: 'report', body: report } });
  });

  it('refuses contradictions as a typed error: reason iff unavailable, count only when partial, no items when none', () => {
    const s = sampleSummary(0);
    const broken = [
      { ...s, sections: { ...s.sections, allergies: { status: 'unavailable', items: [] } } },
      { ...s, sections: { ...s.sections, allergies: { ...s.sections.allergies, reason: 'not-sent' } } },
      { ...s, sections: { ...s.sections, allergies: { ...s.sections.allergies, unreadable: 2 } } },
      {
        ...s,
        sections: {
          ...s.sections,
          allergies: { status: 'none-known', items: s.sections.allergies.items },
        },
      },
    ];
    for (const summary of broken) {
      const d = decodeBody('report', body(summary));
      expect(d.ok).toBe(false);
      if (!d.ok) expect(d.error.code).toBe('invalid-body');
    }
  });
});

describe('v1 reports are read as v2 at the edge (CONTRACT §2)', () => {
  it('an empty v1 list is unavailable (not sent), never none known', () => {
    const s = decoded(v1).summary;
    expect(s?.sections.allergies).toEqual({ status: 'unavailable', reason: 'not-sent', items: [] });
    expect(s?.sections.procedures).toEqual({ status: 'unavailable', reason: 'not-sent', items: [] });
    for (const key of [
      'contraindications',
      'pastIllness',
      'infections',
      'devices',
      'advanceDirectives',
      'pregnancy',
      'results',
    ] as const)
      expect(s?.sections[key]).toMatchObject({ status: 'unavailable', reason: 'not-sent' });
  });

  it('a v1 list with items is partial without a count; conditions are the problems', () => {
    const s = decoded(v1).summary;
    expect(s?.sections.problems).toEqual({
      status: 'partial',
      items: [{ name: 'atrial fibrillation', codes: [] }],
    });
    expect(s?.sections.medications.status).toBe('partial');
    expect(s?.sections.medications.unreadable).toBeUndefined();
  });

  it("'steroid' is read as 'systemic-steroid'; the flags are incomplete, flagless medications unclassified", () => {
    const s = decoded(v1).summary;
    expect(s?.sections.medications.items.map((m) => m.flags)).toEqual([
      ['anticoagulant'],
      ['systemic-steroid'],
      [],
    ]);
    expect(s?.criticalFlags).toEqual({
      status: 'incomplete',
      flags: ['anticoagulant', 'systemic-steroid'],
      unclassified: 1,
    });
  });

  it('a v1 allergy keeps its substance and criticality', () => {
    const s = decoded({ ...v1, allergies: [{ substance: 'egg', criticality: 'high' }] }).summary;
    expect(s?.sections.allergies).toEqual({
      status: 'partial',
      items: [{ substance: 'egg', category: 'unknown', criticality: 'high', reactions: [], codes: [] }],
    });
  });
});

describe('a v1 body stored by an older version is read back as v2 (inbox)', () => {
  it('the triage desk never sees a v1 summary, even one stored before the upgrade', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'inbox-')), 'inbox.sqlite');
    const store = unwrap(SqliteInboxStore.open(file));
    const body = { ...sampleReport(1, 0), reportId: 'report-0001' };
    const report: BoardReport = {
      unitId: 'amb-demo-01',
      reportId: 'report-0001',
      status: 'active',
      sequence: 1,
      body,
      viewed: false,
      handedOver: false,
      receivedAt: 1_000,
      updatedAt: 1_000,
    };
    expect(store.save(report).ok).toBe(true);
    store.close();
    // As the previous version stored it: the body with the v1 summary.
    const db = new Database(file);
    db.prepare('UPDATE reports SET body = ?').run(JSON.stringify({ ...body, summary: v1 }));
    db.close();
    const read = unwrap(SqliteInboxStore.open(file)).report('amb-demo-01', 'report-0001');
    expect(read?.body?.summary?.sections.allergies).toEqual({
      status: 'unavailable',
      reason: 'not-sent',
      items: [],
    });
    expect(read?.body?.summary?.criticalFlags.status).toBe('incomplete');
    expect(read?.body?.atmist).toEqual(body.atmist);
  });
});
