import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CHUNK_DATA_BYTES,
  chunkBodies,
  decodeChunk,
  SqliteInboxStore,
} from '../../src/hospital-feed/index.js';
import { unwrap } from '../support/feed/harness.js';

const UNIT = 'amb-demo-01';
const meta = (attachmentId: string) => ({
  reportId: 'report-0001',
  attachmentId,
  mediaType: 'image/jpeg' as const,
  category: 'injury' as const,
  addedAt: '2026-11-30T07:00:00.000Z',
});
/** JPEG's leading bytes, then a pattern: the assembly checks the type's magic. */
const jpegLike = (size: number, seed: number): Uint8Array => {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed) & 0xff;
  b.set([0xff, 0xd8, 0xff]);
  return b;
};
const chunksOf = (bytes: Uint8Array, attachmentId: string) =>
  unwrap(chunkBodies(meta(attachmentId), bytes)).map((c) => unwrap(decodeChunk(c.body)));

const opened: { close(): void }[] = [];
afterEach(() => {
  for (const o of opened.splice(0)) o.close();
});
const inboxFile = (): string => join(mkdtempSync(join(tmpdir(), 'inbox-chunks-')), 'inbox.sqlite');
const chunkRows = (file: string): number => {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM attachment_chunks').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe('the inbox stores attachment chunks (issue 16)', () => {
  it('in any order and with any redelivery: complete once, with the exact bytes, no chunk left behind', () => {
    const file = inboxFile();
    const inbox = unwrap(SqliteInboxStore.open(file));
    opened.push(inbox);
    let attachments = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: CHUNK_DATA_BYTES * 2 + 50 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 255 }),
        (size, picks, seed) => {
          const attachmentId = `attach-${String(++attachments).padStart(4, '0')}`;
          const bytes = jpegLike(Math.max(size, 3), seed);
          const chunks = chunksOf(bytes, attachmentId);
          // Each delivery: a chunk under its own message id (a first delivery or a QoS 1 redelivery),
          // or a resend of the same chunk under a new id; then every chunk once more, so it completes.
          const deliveries = [
            ...picks.map((p) => ({ index: p % chunks.length, copy: p % 3 === 0 ? p : 0 })),
            ...chunks.map((_, index) => ({ index, copy: 0 })),
          ];
          const seenIds = new Set<string>();
          const have = new Set<number>();
          let completions = 0;
          for (const d of deliveries) {
            const chunk = chunks[d.index];
            if (chunk === undefined) throw new Error('no chunk');
            const messageId = `${attachmentId}-${d.index}-${d.copy}`;
            const receipt = unwrap(inbox.receiveChunk({ messageId, unitId: UNIT, chunk, now: 1 }));
            const duplicate = seenIds.has(messageId);
            seenIds.add(messageId);
            expect(receipt.duplicate).toBe(duplicate);
            if (duplicate) {
              expect(receipt.outcome).toEqual({ kind: 'settled' });
              continue;
            }
            const complete = completions > 0;
            have.add(d.index);
            if (complete) expect(receipt.outcome).toEqual({ kind: 'settled' });
            else if (have.size < chunks.length)
              expect(receipt.outcome).toEqual({ kind: 'stored', have: have.size, count: chunks.length });
            else {
              expect(receipt.outcome.kind).toBe('complete');
              completions += 1;
            }
          }
          expect(completions).toBe(1);
          const stored = inbox.attachment(UNIT, attachmentId);
          expect(stored !== undefined && Buffer.from(stored.data).equals(Buffer.from(bytes))).toBe(true);
          expect(chunkRows(file)).toBe(0);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a chunk of another manifest refuses the attachment, with its last chunk too', () => {
    const file = inboxFile();
    const inbox = unwrap(SqliteInboxStore.open(file));
    opened.push(inbox);
    const [first, second] = chunksOf(jpegLike(CHUNK_DATA_BYTES + 10, 1), 'attach-0001');
    const [, alien] = chunksOf(jpegLike(CHUNK_DATA_BYTES + 11, 2), 'attach-0001');
    if (first === undefined || second === undefined || alien === undefined) throw new Error('no chunk');
    expect(
      unwrap(inbox.receiveChunk({ messageId: 'm1', unitId: UNIT, chunk: first, now: 1 })).outcome,
    ).toEqual({ kind: 'stored', have: 1, count: 2 });
    expect(
      unwrap(inbox.receiveChunk({ messageId: 'm2', unitId: UNIT, chunk: alien, now: 1 })).outcome.kind,
    ).toBe('refused');
    expect(
      unwrap(inbox.receiveChunk({ messageId: 'm3', unitId: UNIT, chunk: second, now: 1 })).outcome,
    ).toEqual({ kind: 'settled' });
    expect(inbox.attachment(UNIT, 'attach-0001')).toBeUndefined();
    expect(chunkRows(file)).toBe(0);
  });
});
