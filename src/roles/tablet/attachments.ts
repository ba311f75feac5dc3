import { EventEmitter } from 'node:events';
import { err, ok, type Result } from '../../core/index.js';
import type {
  AmbulanceFeed,
  AttachmentCategory,
  AttachmentMediaType,
  SentAttachment,
} from '../../hospital-feed/index.js';
import type { Logger } from '../../log/index.js';
import { prepareAttachment, type AttachmentBounds, type PrepareError } from './attachment-prepare.js';
import { openReport, type CardSession } from './state.js';

/** Why an attachment was not taken; each has words on the panel (text.ts, `attach.error.*`). */
export type AttachError = PrepareError | 'too-many' | 'no-patient' | 'not-stored';

/** What the crew sees for one attachment of the patient on screen. */
export interface AttachmentRow {
  readonly id: string;
  readonly category: AttachmentCategory;
  readonly mediaType: AttachmentMediaType;
  readonly size: number;
  readonly width?: number;
  readonly height?: number;
  /** `waiting`: no open report yet, it goes with the first one; `sending`: chunks left of all. */
  readonly state:
    | { readonly kind: 'waiting' }
    | { readonly kind: 'sending'; readonly left: number; readonly of: number }
    | { readonly kind: 'delivered' };
}

interface Held {
  readonly id: string;
  readonly category: AttachmentCategory;
  readonly mediaType: AttachmentMediaType;
  readonly width?: number;
  readonly height?: number;
  /** The prepared (re-encoded, stripped) bytes, kept for a diversion's new report; wiped on removal. */
  readonly bytes: Uint8Array;
  /** Reports it went to (a diversion adds the new hospital's), with its chunks' envelopes. */
  readonly sent: Map<string, SentAttachment | 'sending'>;
}

export interface TabletAttachmentsOptions {
  readonly feed: Pick<AmbulanceFeed, 'sendAttachment' | 'unacknowledged' | 'report' | 'on'>;
  readonly bounds: AttachmentBounds;
  readonly newId: () => string;
  readonly logger: Logger;
}

/**
 * The photos and PDFs of each patient on this tablet (issue 16). Prepared bytes stay in memory only,
 * with their patient: they follow the patient's open report (sent with the first report, and again
 * to the new hospital after a diversion) and are wiped when the patient leaves the tablet (handover,
 * discard). What was sealed for the hospital waits in the outbox as ciphertext the tablet cannot
 * open, and leaves it on the hospital's acknowledgement.
 */
export class TabletAttachments extends EventEmitter<{ changed: [] }> {
  readonly #o: TabletAttachmentsOptions;
  readonly #byTap = new Map<string, Held[]>();
  /** The last refusal per patient, shown once on the panel until the next try. */
  readonly #errors = new Map<string, AttachError>();

  constructor(options: TabletAttachmentsOptions) {
    super();
    this.#o = options;
    options.feed.on('attachment', () => this.emit('changed'));
  }

  /** Prepares an upload for the patient `s` and sends it with the patient's open report, if any. */
  async add(
    s: CardSession | undefined,
    upload: Uint8Array,
    category: AttachmentCategory,
  ): Promise<Result<AttachmentRow, AttachError>> {
    if (s === undefined) return err('no-patient');
    const added = await this.#add(s, upload, category);
    if (added.ok) this.#errors.delete(s.tap);
    else this.#errors.set(s.tap, added.error);
    this.emit('changed');
    return added;
  }

  /** Why the patient's last attachment was not taken, if it was not. */
  error(tap: string): AttachError | undefined {
    return this.#errors.get(tap);
  }

  async #add(
    s: CardSession,
    upload: Uint8Array,
    category: AttachmentCategory,
  ): Promise<Result<AttachmentRow, AttachError>> {
    const held = this.#byTap.get(s.tap) ?? [];
    if (held.length >= this.#o.bounds.maxPerPatient) return err('too-many');
    const prepared = await prepareAttachment(upload, this.#o.bounds);
    if (!prepared.ok) return prepared;
    const p = prepared.value;
    const item: Held = {
      id: this.#o.newId(),
      category,
      mediaType: p.mediaType,
      ...(p.width === undefined ? {} : { width: p.width }),
      ...(p.height === undefined ? {} : { height: p.height }),
      bytes: p.bytes,
      sent: new Map(),
    };
    this.#byTap.set(s.tap, [...held, item]);
    const open = openReport(s, (id) => this.#o.feed.report(id));
    if (open !== undefined) {
      const sent = await this.#send(item, open.reportId);
      if (!sent) {
        this.#drop(s.tap, item.id);
        return err('not-stored');
      }
    }
    return ok(this.#row(item));
  }

  /**
   * Follows the patients' sessions: a patient's attachments go with its open report (so a report
   * sent or diverted after they were added takes them along), and a patient gone from the tablet
   * takes its attachments with it.
   */
  follow(patients: readonly CardSession[]): void {
    const present = new Set(patients.map((p) => p.tap));
    for (const tap of new Set([...this.#byTap.keys(), ...this.#errors.keys()]))
      if (!present.has(tap)) this.#dropAll(tap);
    for (const s of patients) {
      const open = openReport(s, (id) => this.#o.feed.report(id));
      if (open === undefined) continue;
      for (const item of this.#byTap.get(s.tap) ?? [])
        if (!item.sent.has(open.reportId)) void this.#send(item, open.reportId);
    }
  }

  /** The rows of one patient, in the order added. */
  rows(tap: string): readonly AttachmentRow[] {
    return (this.#byTap.get(tap) ?? []).map((item) => this.#row(item));
  }

  /** Prepared bytes held, over every patient (0 after every handover: the tablet keeps nothing). */
  get heldBytes(): number {
    let n = 0;
    for (const items of this.#byTap.values()) for (const i of items) n += i.bytes.byteLength;
    return n;
  }

  async #send(item: Held, reportId: string): Promise<boolean> {
    item.sent.set(reportId, 'sending');
    const sent = await this.#o.feed.sendAttachment(reportId, {
      mediaType: item.mediaType,
      category: item.category,
      bytes: item.bytes,
    });
    if (!sent.ok) {
      item.sent.delete(reportId);
      this.#o.logger.warn('attachment not accepted by the outbox', { code: sent.error.code });
      return false;
    }
    item.sent.set(reportId, sent.value);
    this.emit('changed');
    return true;
  }

  #row(item: Held): AttachmentRow {
    const sends = [...item.sent.values()].filter((x): x is SentAttachment => x !== 'sending');
    const of = sends.reduce((n, x) => n + x.messageIds.length, 0);
    const left = sends.reduce((n, x) => n + this.#o.feed.unacknowledged(x.messageIds), 0);
    return {
      id: item.id,
      category: item.category,
      mediaType: item.mediaType,
      size: item.bytes.byteLength,
      ...(item.width === undefined ? {} : { width: item.width }),
      ...(item.height === undefined ? {} : { height: item.height }),
      state:
        of === 0 ? { kind: 'waiting' } : left > 0 ? { kind: 'sending', left, of } : { kind: 'delivered' },
    };
  }

  #drop(tap: string, id: string): void {
    const items = this.#byTap.get(tap) ?? [];
    for (const i of items) if (i.id === id) i.bytes.fill(0);
    this.#byTap.set(
      tap,
      items.filter((i) => i.id !== id),
    );
  }

  /** Wipes the prepared bytes (best effort: copies inside sharp and libsodium are out of reach). */
  #dropAll(tap: string): void {
    for (const i of this.#byTap.get(tap) ?? []) i.bytes.fill(0);
    this.#byTap.delete(tap);
    this.#errors.delete(tap);
    this.emit('changed');
  }
}
