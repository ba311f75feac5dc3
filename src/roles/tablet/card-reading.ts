import { ok } from '../../core/index.js';
import type { Logger } from '../../log/index.js';
import type { IdentifyRequest, IdentifyStep, ReaderService } from '../../reader/index.js';
import type { ActionResult, PatientRoster } from './patient-roster.js';
import {
  holdsNoPatient,
  joinCard,
  mayIdentify,
  newSession,
  NOTICES,
  pinAllowed,
  type CardSession,
} from './state.js';

export type CardReader = Pick<ReaderService, 'identify' | 'pinTries' | 'on' | 'off'>;

export interface CardReadingOptions {
  readonly roster: PatientRoster;
  readonly reader: CardReader;
  /** The opaque card-session id for a certificate serial (a keyed hash; stable within a run). */
  readonly subjectOf: (serial: string) => string;
  /** The card holder's identity was confirmed. */
  readonly identified: () => void;
  readonly logger: Logger;
}

/**
 * The card on the reader: each tap starts a patient session on screen, and only that session reads
 * the card (PIN tries, the identify steps, removal), or the unknown patient the crew attaches it to.
 */
export class CardReading {
  readonly #o: CardReadingOptions;
  /** The session of the card on the reader: card events and reads belong to it only. */
  #cardTap: string | undefined;
  /** The unknown patient that was on screen when the card on the reader came (the card may join it). */
  #cameOver: { readonly card: string; readonly patient: string } | undefined;

  constructor(options: CardReadingOptions) {
    this.#o = options;
    options.reader.on('card-inserted', () => this.inserted());
    options.reader.on('card-removed', () => options.roster.apply(this.#cardTap, { type: 'card-removed' }));
  }

  /**
   * A new card: a new patient, on screen; the other patients keep their sessions. A previous card
   * session that never identified anyone holds no patient data and ends here.
   */
  inserted(): void {
    const roster = this.#o.roster;
    for (const s of roster.patients) if (holdsNoPatient(s)) roster.remove(s);
    const before = roster.current;
    const added = roster.add(newSession);
    if (!added.ok) return;
    const tap = added.value.tap;
    this.#cameOver = before?.origin === 'crew' ? { card: tap, patient: before.tap } : undefined;
    this.#cardTap = tap;
    void this.#o.reader.pinTries().then((tries) => {
      if (tries.ok) roster.apply(tap, { type: 'pin-tries', tries: tries.value });
    });
  }

  /**
   * The unknown patient the card on screen may be attached to: the one on screen when it was tapped,
   * while the card has identified nobody yet.
   */
  attachTarget(tap: string): CardSession | undefined {
    const card = this.#o.roster.get(tap);
    const over = this.#cameOver;
    if (over?.card !== tap || card === undefined) return undefined;
    if (card.identity !== undefined || !mayIdentify(card.phase)) return undefined;
    return this.#o.roster.get(over.patient);
  }

  /**
   * The crew attaches the card on the reader to the unknown patient they were working on (issue 13):
   * that patient's session reads the card from here on (identity, consent and summary from the card),
   * and the card's own empty session ends. Refused, with the reason shown, when that patient is already
   * identified (`joinCard`).
   */
  attach(cardTap: string, patientTap: string): ActionResult {
    const roster = this.#o.roster;
    const card = roster.check(cardTap);
    if (!card.ok) return card;
    const target = this.attachTarget(cardTap);
    if (target?.tap !== patientTap) return roster.refuse(NOTICES.notNow);
    const joined = joinCard(target, card.value);
    if (!joined.ok) return roster.refuse(joined.error);
    this.#cardTap = target.tap;
    this.#cameOver = undefined;
    roster.merge(cardTap, joined.value);
    this.#o.logger.info('card attached to unknown patient');
    return ok(undefined);
  }

  /** Reads the card: visual confirmation (attester = the logged-in crew member) or the patient's PIN. */
  async identify(tap: string, request: IdentifyRequest): Promise<ActionResult> {
    const roster = this.#o.roster;
    const s = roster.check(tap);
    if (!s.ok) return s;
    if (tap !== this.#cardTap || !mayIdentify(s.value.phase)) return roster.refuse(NOTICES.notNow);
    if (request.mode === 'pin' && !pinAllowed(s.value)) return roster.refuse(NOTICES.notNow);
    roster.apply(tap, { type: 'identify-started', mode: request.mode });
    const onStep = (_reader: string, step: IdentifyStep): void => roster.apply(tap, { type: 'step', step });
    this.#o.reader.on('step', onStep);
    try {
      const result = await this.#o.reader.identify(request);
      if (result.ok) {
        roster.apply(tap, {
          type: 'identified',
          identity: result.value,
          subject: this.#o.subjectOf(result.value.certificateSerial.reveal()),
        });
        if (roster.get(tap)?.phase.kind === 'identified') this.#o.identified();
      } else roster.apply(tap, { type: 'identify-failed', failure: result.error });
    } finally {
      this.#o.reader.off('step', onStep);
    }
    return ok(undefined);
  }

  /** A session ended: the card on the reader no longer belongs to it, nor may it join it. */
  forget(tap: string): void {
    if (this.#cardTap === tap) this.#cardTap = undefined;
    if (this.#cameOver?.card === tap || this.#cameOver?.patient === tap) this.#cameOver = undefined;
  }
}
