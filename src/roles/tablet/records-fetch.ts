import { ok } from '../../core/index.js';
import type { ConsentBasis, SummaryOutcome, SummaryRequest } from '../../records/index.js';
import type { ActionResult, PatientRoster } from './patient-roster.js';
import { summaryRequest } from './records-request.js';
import { mayFetch, NOTICES, retriesInBackground } from './state.js';

/** The parts of the records client the session uses. */
export interface SummarySource {
  fetchSummary(request: SummaryRequest): Promise<SummaryOutcome>;
}

export interface RetryTimer {
  /** Calls `fn` after `ms` unless the returned cancel is called first. */
  after(ms: number, fn: () => void): () => void;
}

export interface RecordsFetchOptions {
  readonly roster: PatientRoster;
  readonly records: SummarySource;
  readonly timer: RetryTimer;
  /** How long after upstream trouble the records request is tried again in the background. */
  readonly retryEveryMs: number;
  /** A records request of this patient ended. */
  readonly fetched: (tap: string) => void;
}

/**
 * An identified patient's records: the consent basis, then the summary request. Upstream trouble
 * (`retriesInBackground`) is tried again every `retryEveryMs` while the session lasts; the crew
 * meanwhile continues by hand.
 */
export class RecordsFetch {
  readonly #o: RecordsFetchOptions;
  readonly #cancelRetry = new Map<string, () => void>();

  constructor(options: RecordsFetchOptions) {
    this.#o = options;
  }

  /**
   * Records the consent basis and starts the records request. Returns once the first answer is in;
   * upstream trouble is then retried in the background until the session ends.
   */
  async consent(tap: string, consent: ConsentBasis, crewMember: string): Promise<ActionResult> {
    const roster = this.#o.roster;
    const s = roster.check(tap);
    if (!s.ok) return s;
    if (s.value.phase.kind !== 'identified') return roster.refuse(NOTICES.notNow);
    roster.apply(tap, { type: 'consent', consent });
    await this.#fetch(tap, crewMember);
    return ok(undefined);
  }

  /** Asks the records service again now (the crew's "retry" after upstream trouble). */
  async retry(tap: string, crewMember: string): Promise<ActionResult> {
    const roster = this.#o.roster;
    const s = roster.check(tap);
    if (!s.ok) return s;
    if (!mayFetch(s.value.phase) || s.value.consent === undefined) return roster.refuse(NOTICES.notNow);
    await this.#fetch(tap, crewMember);
    return ok(undefined);
  }

  /** The session ended (or is fetching again now): its background retry stops. */
  stop(tap: string): void {
    this.#cancelRetry.get(tap)?.();
    this.#cancelRetry.delete(tap);
  }

  close(): void {
    for (const tap of [...this.#cancelRetry.keys()]) this.stop(tap);
  }

  async #fetch(tap: string, crewMember: string): Promise<void> {
    this.stop(tap);
    const roster = this.#o.roster;
    const s = roster.get(tap);
    const request = s === undefined ? undefined : summaryRequest(s, crewMember);
    if (request === undefined) return;
    roster.apply(tap, { type: 'fetch-started' });
    const outcome = await this.#o.records.fetchSummary(request);
    // The patient may have been handed over meanwhile: then the answer has nowhere to go.
    if (roster.get(tap) === undefined) return;
    const retrying = retriesInBackground(outcome);
    roster.apply(tap, { type: 'fetched', outcome, retrying });
    this.#o.fetched(tap);
    if (retrying)
      this.#cancelRetry.set(
        tap,
        this.#o.timer.after(this.#o.retryEveryMs, () => {
          this.#cancelRetry.delete(tap);
          void this.#fetch(tap, crewMember);
        }),
      );
  }
}
