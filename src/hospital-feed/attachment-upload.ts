import type { Clock, Result } from '../core/index.js';
import { err, ok } from '../core/index.js';
import {
  ATTACHMENT_KIND,
  chunkBodies,
  type AttachmentCategory,
  type AttachmentMediaType,
} from './attachment-wire.js';
import type { EnvelopeCodec } from './codec.js';
import { feedError, FEED_ERRORS, type FeedError, type StorageFailure } from './errors.js';
import type { Outbox } from './outbox.js';
import { queuedEntry, type OutboxEntry } from './outbox-state.js';
import { topics } from './topics.js';
import type { UnitReports } from './unit-reports.js';

/** An attachment for a report, as the tablet prepared it (re-encoded, metadata stripped, bounded). */
export interface AttachmentInput {
  readonly mediaType: AttachmentMediaType;
  readonly category: AttachmentCategory;
  readonly bytes: Uint8Array;
}

/** An attachment accepted into the outbox: its chunks' envelopes, each until acknowledged. */
export interface SentAttachment {
  readonly attachmentId: string;
  readonly reportId: string;
  readonly hospitalId: string;
  readonly messageIds: readonly string[];
}

/** What uploading an attachment needs from the ambulance feed. */
export interface AttachmentUploadPort extends StorageFailure {
  readonly outbox: Outbox;
  readonly reports: UnitReports;
  readonly codec: EnvelopeCodec;
  readonly clock: Clock;
  readonly newId: () => string;
  /** How long the chunks stay worth delivering. */
  readonly defaultTtlMs: number;
}

/** The unit's attachments to its open reports: chunked, sealed and left to the outbox's bulk lane. */
export class AttachmentUpload {
  readonly #p: AttachmentUploadPort;

  constructor(port: AttachmentUploadPort) {
    this.#p = port;
  }

  /**
   * Seals an attachment for an open report, one envelope per chunk, to the report's hospital, and
   * stores every chunk in one durable write: accepted only once all of it is on disk. The outbox
   * sends chunks in its bulk lane, after reports (docs/protocol.md, "Attachments").
   */
  async send(reportId: string, input: AttachmentInput): Promise<Result<SentAttachment, FeedError>> {
    const open = this.#p.reports.open(reportId);
    if (!open.ok) return open;
    const r = open.value;
    const now = this.#p.clock.now();
    const attachmentId = this.#p.newId();
    const chunks = chunkBodies(
      {
        reportId,
        attachmentId,
        mediaType: input.mediaType,
        category: input.category,
        addedAt: new Date(now).toISOString(),
      },
      input.bytes,
    );
    if (!chunks.ok) return err(feedError(FEED_ERRORS.permanent.invalidBody, ['bytes']));
    const expiresAt = now + this.#p.defaultTtlMs;
    const topic = topics.hospitalInbox(r.hospitalId);
    const entries: OutboxEntry[] = [];
    for (const { header, body } of chunks.value) {
      const sequence = header.index + 1;
      const sealed = await this.#p.codec.seal({
        kind: ATTACHMENT_KIND,
        to: r.hospitalId,
        body,
        stream: attachmentId,
        sequence,
        expiresAt,
      });
      entries.push(
        queuedEntry(
          sealed,
          { reportId, kind: ATTACHMENT_KIND, to: r.hospitalId, topic, sequence, expiresAt },
          now,
        ),
      );
    }
    const added = this.#p.outbox.add(entries, [], []);
    if (!added.ok) return err(this.#p.failed(added.error));
    return ok({
      attachmentId,
      reportId,
      hospitalId: r.hospitalId,
      messageIds: entries.map((e) => e.messageId),
    });
  }

  /** How many of these envelopes are still in the outbox (not yet acknowledged, expired or dropped). */
  unacknowledged(messageIds: readonly string[]): number {
    return messageIds.filter((id) => this.#p.outbox.get(id) !== undefined).length;
  }
}
