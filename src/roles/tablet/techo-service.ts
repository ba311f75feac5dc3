import { err, ok, type Clock, type Result } from '../../core/index.js';
import type { Logger } from '../../log/index.js';
import { okusuriTechoBundles, type ScannedCode, type TechoDocument } from '../../records/index.js';
import { type EmergencySummary } from '../../summary/index.js';
import type { CardSessionService } from './session.js';
import { NOTICES, type CardSession, type Notice } from './state.js';
import {
  addCodes,
  discardScan,
  finishScan,
  previewed,
  TECHO_NOTICES,
  type TechoNotice,
  type TechoScan,
  type TechoState,
} from './techo-scan.js';

/** What merging needs from the rest of the tablet. */
export interface TechoPorts {
  /** The records answer kept for a card session (the summary cache), to merge the お薬手帳 into. */
  upstream(subject: string): Promise<Uint8Array | undefined>;
  /** FHIR Bundles (UTF-8 JSON) → one summary, with the configured drug catalogue (records parser). */
  summarise(inputs: readonly Uint8Array[]): EmergencySummary;
}

export interface TechoServiceOptions {
  readonly session: CardSessionService;
  readonly ports: TechoPorts;
  readonly clock: Clock;
  readonly logger: Logger;
}

const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

/**
 * The お薬手帳 QR scan of the patient on screen (issue 13, Deliver 4): codes in, progress, preview,
 * and on the crew's confirmation the merge into the session's summary through the records parser,
 * so QR and records data share one merge, one "current" rule and one drug classification. Whatever
 * it holds lives in the patient's session (state.ts `techo`), which a handover ends.
 */
export class TechoService {
  readonly #o: TechoServiceOptions;

  constructor(options: TechoServiceOptions) {
    this.#o = options;
    // A records answer that arrives after a confirmation: merge again, over the new answer.
    options.session.on('records', (tap) => void this.#remerge(tap));
  }

  #preview = (documents: readonly TechoDocument[]): EmergencySummary =>
    this.#o.ports.summarise(okusuriTechoBundles(documents).map(json));

  /** The patient on screen, if `tap` is it: forms act on that patient only. */
  #onScreen(tap: string): Result<CardSession, Notice> {
    const s = this.#o.session.current;
    if (s?.tap !== tap) {
      this.#o.session.note(NOTICES.stale);
      return err(NOTICES.stale);
    }
    return ok(s);
  }

  #update(tap: string, update: (t: TechoState) => TechoState): Result<TechoScan, Notice> {
    const s = this.#onScreen(tap);
    if (!s.ok) return s;
    const next = this.#o.session.updateTecho(tap, (current) => update(current.techo));
    return next === undefined ? err(NOTICES.stale) : ok(next.techo.scan);
  }

  /** Codes decoded on the tablet (camera frames or uploaded images), for the patient on screen. */
  scan(tap: string, codes: readonly ScannedCode[]): Result<TechoScan, Notice> {
    const done = this.#update(tap, (t) => addCodes(t, codes, this.#preview));
    if (done.ok)
      this.#o.logger.info('okusuri-techo codes scanned', {
        codes: codes.length,
        state: done.value.kind,
        ...(done.value.kind === 'refused' ? { refused: done.value.error.code } : {}),
      });
    return done;
  }

  /** The crew has scanned all it can: read what was collected (a missing part refuses the set). */
  finish(tap: string): Result<TechoScan, Notice> {
    return this.#update(tap, (t) => finishScan(t, this.#preview));
  }

  /** Drops the codes being collected or the preview: nothing of them is kept. */
  discard(tap: string): Result<TechoScan, Notice> {
    return this.#update(tap, discardScan);
  }

  /**
   * The crew confirmed the preview: its documents join the session's summary. Refused, and nothing
   * merged, when they name another patient than the records do, or the records answer to merge
   * with is no longer on the tablet.
   */
  async confirm(tap: string): Promise<Result<void, Notice | TechoNotice>> {
    const s = this.#onScreen(tap);
    if (!s.ok) return s;
    const documents = previewed(s.value.techo);
    if (documents === undefined) return err(NOTICES.notNow);
    const confirmed = [...s.value.techo.confirmed, ...documents];
    const merged = await this.#merge(s.value, confirmed);
    const next = this.#o.session.updateTecho(tap, (current) =>
      // The preview may have been discarded while the records answer was read: then nothing changes.
      previewed(current.techo) !== documents
        ? current.techo
        : merged.ok
          ? { scan: { kind: 'idle' }, confirmed, merged: { summary: merged.value, at: this.#o.clock.now() } }
          : { ...current.techo, scan: { kind: 'refused', error: refusal(merged.error) } },
    );
    if (next === undefined) return err(NOTICES.stale);
    this.#o.logger.info('okusuri-techo confirmed', {
      documents: documents.length,
      merged: merged.ok,
      ...(merged.ok ? {} : { refused: merged.error }),
    });
    return merged.ok ? ok(undefined) : err(merged.error);
  }

  /** Records answer + confirmed documents → one summary, or why they may not be merged. */
  async #merge(
    s: CardSession,
    documents: readonly TechoDocument[],
  ): Promise<Result<EmergencySummary, TechoNotice>> {
    const outcome = s.phase.kind === 'records' ? s.phase.outcome : undefined;
    const inputs: Uint8Array[] = [];
    if (outcome?.code === 'ok') {
      const upstream = s.subject === undefined ? undefined : await this.#o.ports.upstream(s.subject);
      if (upstream === undefined) return err(TECHO_NOTICES.recordsGone);
      inputs.push(upstream);
    }
    inputs.push(...okusuriTechoBundles(documents).map(json));
    const summary = this.#o.ports.summarise(inputs);
    // The records parser refuses inputs naming different patients (birth date or sex disagree).
    if (summary.rejected.some((r) => r.error === 'other-patient')) return err(TECHO_NOTICES.otherPatient);
    return ok(summary);
  }

  async #remerge(tap: string): Promise<void> {
    const s = this.#o.session.patients.find((p) => p.tap === tap);
    if (s === undefined || s.techo.confirmed.length === 0) return;
    const merged = await this.#merge(s, s.techo.confirmed);
    this.#o.session.updateTecho(tap, (current) =>
      merged.ok
        ? { ...current.techo, merged: { summary: merged.value, at: this.#o.clock.now() } }
        : // The records name another patient, or cannot be read back: the お薬手帳 is taken out again,
          // never shown beside (or mixed into) another patient's records.
          {
            scan: { kind: 'refused', error: refusal(merged.error) },
            confirmed: [],
            merged: undefined,
          },
    );
  }
}

/** A merge refusal in the scan's terms, for the QR panel. */
const refusal = (notice: TechoNotice): Extract<TechoScan, { kind: 'refused' }>['error'] =>
  notice === TECHO_NOTICES.otherPatient
    ? {
        code: 'different-patients',
        message: 'the お薬手帳 names another patient than the records (birth date or sex differ): not merged',
      }
    : {
        code: 'no-codes',
        message: 'the records answer is no longer on the tablet: ask the records service again, then confirm',
      };
