import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { err, ok, type Result } from '../core/index.js';
import { MAX_PACKET_BYTES } from './packet-size.js';

/**
 * Attachments (issue 16): photos and PDFs the crew adds to a report. Each attachment travels as its
 * own series of envelopes of kind `attachment-chunk`, one chunk each, through the durable outbox, so
 * no MQTT packet is larger than the broker's maximum (MQTT 5 §3.1.2.11.4; `max_packet_size` in
 * deploy/mosquitto/mosquitto.conf) and a lost link resends chunks, not whole photos. Kept apart from
 * the report kinds in messages.ts: a chunk body is binary (a JSON header line, then raw bytes; base64
 * in JSON would add a third), and the report feed's exhaustive switches do not grow.
 */
export const ATTACHMENT_KIND = 'attachment-chunk';
export type AttachmentKind = typeof ATTACHMENT_KIND;

/** Media types on the wire: every image is re-encoded to JPEG on the tablet; PDFs travel as given. */
export const ATTACHMENT_MEDIA_TYPES = ['image/jpeg', 'application/pdf'] as const;
export type AttachmentMediaType = (typeof ATTACHMENT_MEDIA_TYPES)[number];

/** What the crew says a photo shows; the ER reads the word, the FHIR export carries it as a note. */
export const ATTACHMENT_CATEGORIES = [
  'scene',
  'injury',
  'ecg',
  'medication',
  'medication-notebook',
  'document',
  'other',
] as const;
export type AttachmentCategory = (typeof ATTACHMENT_CATEGORIES)[number];

/** Bytes of attachment data per chunk: a sixth of a 1 MiB photo, so a report waits behind little. */
export const CHUNK_DATA_BYTES = 192 * 1024;
/** The protocol's ceiling for one attachment; the tablet's configured bounds are lower. */
export const MAX_ATTACHMENT_BYTES = 8 * 1024 * 1024;
export const MAX_CHUNKS = Math.ceil(MAX_ATTACHMENT_BYTES / CHUNK_DATA_BYTES);
/** The header line of a chunk body, JSON, at most this long (its line feed excluded). */
export const MAX_CHUNK_HEADER_BYTES = 1024;

/**
 * The worst case around a chunk's data, so a chunk provably fits the broker's packet limit: the MQTT
 * PUBLISH fixed header (5), topic (2 + at most 120 for `ems/v1/hospital/<63 chars>/in`), packet id
 * (2) and MQTT 5 properties (we send none: 1); the envelope (docs/protocol.md: 21 header + 48 box +
 * 64 signature + 98 signed fields + kind); the chunk header line and its line feed.
 */
export const CHUNK_PACKET_OVERHEAD =
  5 + 2 + 120 + 2 + 1 + (21 + 48 + 64 + 98 + ATTACHMENT_KIND.length) + MAX_CHUNK_HEADER_BYTES + 1;
if (CHUNK_DATA_BYTES + CHUNK_PACKET_OVERHEAD > MAX_PACKET_BYTES)
  throw new Error('attachment chunks would not fit the broker packet limit');

const ReportId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]{8,64}$/));
/** base64url SHA-256, no padding. */
const Digest = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/));
const Int = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));

/**
 * The header every chunk of an attachment carries. All chunks carry the same manifest (everything
 * but `index` and `offset`), so any chunk can start the assembly and chunks may arrive in any order.
 */
export const ChunkHeader = v.strictObject({
  v: v.literal(1),
  reportId: ReportId,
  attachmentId: ReportId,
  mediaType: v.picklist(ATTACHMENT_MEDIA_TYPES),
  category: v.picklist(ATTACHMENT_CATEGORIES),
  /** When the crew added it (not when the camera says it was taken: that metadata is stripped). */
  addedAt: v.pipe(v.string(), v.isoTimestamp()),
  size: Int(1, MAX_ATTACHMENT_BYTES),
  count: Int(1, MAX_CHUNKS),
  index: Int(0, MAX_CHUNKS - 1),
  offset: Int(0, MAX_ATTACHMENT_BYTES - 1),
  digest: Digest,
});
export type ChunkHeader = v.InferOutput<typeof ChunkHeader>;
export type AttachmentManifest = Omit<ChunkHeader, 'index' | 'offset'>;

export interface AttachmentChunk {
  readonly header: ChunkHeader;
  readonly data: Uint8Array;
}

const DOMAIN = 'ems-gateway/attachment/v1\n';

/**
 * The digest of the whole attachment, bound to its report and its own id:
 * SHA-256("ems-gateway/attachment/v1\n" ‖ reportId ‖ "\n" ‖ attachmentId ‖ "\n" ‖ bytes), base64url.
 * Every chunk's signed header carries it, so the bytes the hospital reassembles are the bytes the
 * crew attached to that report and no other.
 */
export const attachmentDigest = (reportId: string, attachmentId: string, bytes: Uint8Array): string =>
  createHash('sha256')
    .update(`${DOMAIN}${reportId}\n${attachmentId}\n`, 'utf8')
    .update(bytes)
    .digest('base64url');

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Splits an attachment into chunk bodies, ready to seal one per envelope. */
export const chunkBodies = (
  meta: Omit<AttachmentManifest, 'v' | 'size' | 'count' | 'digest'>,
  bytes: Uint8Array,
): Result<readonly { readonly header: ChunkHeader; readonly body: Uint8Array }[], 'empty' | 'too-large'> => {
  if (bytes.byteLength === 0) return err('empty');
  if (bytes.byteLength > MAX_ATTACHMENT_BYTES) return err('too-large');
  const count = Math.ceil(bytes.byteLength / CHUNK_DATA_BYTES);
  const digest = attachmentDigest(meta.reportId, meta.attachmentId, bytes);
  const out: { header: ChunkHeader; body: Uint8Array }[] = [];
  for (let index = 0; index < count; index++) {
    const offset = index * CHUNK_DATA_BYTES;
    const header: ChunkHeader = { v: 1, ...meta, size: bytes.byteLength, count, index, offset, digest };
    const line = encoder.encode(`${JSON.stringify(header)}\n`);
    const data = bytes.subarray(offset, Math.min(bytes.byteLength, offset + CHUNK_DATA_BYTES));
    const body = new Uint8Array(line.byteLength + data.byteLength);
    body.set(line);
    body.set(data, line.byteLength);
    out.push({ header, body });
  }
  return ok(out);
};

/** Reads a chunk body: its header line (validated), then the data, which must be where it says. */
export const decodeChunk = (body: Uint8Array): Result<AttachmentChunk, 'invalid-body'> => {
  const end = body.subarray(0, MAX_CHUNK_HEADER_BYTES + 1).indexOf(0x0a);
  if (end < 0) return err('invalid-body');
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(body.subarray(0, end)));
  } catch {
    return err('invalid-body');
  }
  const parsed = v.safeParse(ChunkHeader, json);
  if (!parsed.success) return err('invalid-body');
  const header = parsed.output;
  const data = body.subarray(end + 1);
  const expected = Math.min(CHUNK_DATA_BYTES, header.size - header.offset);
  if (
    header.index >= header.count ||
    header.count !== Math.ceil(header.size / CHUNK_DATA_BYTES) ||
    header.offset !== header.index * CHUNK_DATA_BYTES ||
    data.byteLength !== expected
  )
    return err('invalid-body');
  return ok({ header, data });
};

const manifestKey = (h: ChunkHeader): string =>
  JSON.stringify([h.reportId, h.attachmentId, h.mediaType, h.category, h.addedAt, h.size, h.count, h.digest]);

/** Whether two chunks claim the same attachment (everything but their place in it agrees). */
export const sameManifest = (a: ChunkHeader, b: ChunkHeader): boolean => manifestKey(a) === manifestKey(b);

/** The leading bytes a file of each media type starts with (JPEG SOI + marker; "%PDF-"). */
const MAGIC: Readonly<Record<AttachmentMediaType, readonly number[]>> = {
  'image/jpeg': [0xff, 0xd8, 0xff],
  'application/pdf': [0x25, 0x50, 0x44, 0x46, 0x2d],
};

export const hasMagic = (mediaType: AttachmentMediaType, bytes: Uint8Array): boolean =>
  MAGIC[mediaType].every((b, i) => bytes[i] === b);

export type AssemblyProblem = 'manifest-mismatch' | 'digest-mismatch' | 'not-its-type';

/**
 * Puts the chunks of one attachment together (all `count` of them, any order) and checks the whole
 * against the digest every chunk carries and its media type's leading bytes. Anything else is refused.
 */
export const assemble = (chunks: readonly AttachmentChunk[]): Result<Uint8Array, AssemblyProblem> => {
  const first = chunks[0];
  if (first === undefined) return err('manifest-mismatch');
  const h = first.header;
  const byIndex = new Map<number, AttachmentChunk>();
  for (const c of chunks) {
    if (!sameManifest(c.header, h)) return err('manifest-mismatch');
    byIndex.set(c.header.index, c);
  }
  if (byIndex.size !== h.count) return err('manifest-mismatch');
  // One chunk (most photos) is the whole as it is, not copied.
  const single = byIndex.size === 1 ? byIndex.get(0) : undefined;
  const bytes = single?.data.byteLength === h.size ? single.data : new Uint8Array(h.size);
  if (bytes !== single?.data) for (const c of byIndex.values()) bytes.set(c.data, c.header.offset);
  if (attachmentDigest(h.reportId, h.attachmentId, bytes) !== h.digest) return err('digest-mismatch');
  if (!hasMagic(h.mediaType, bytes)) return err('not-its-type');
  return ok(bytes);
};
