import { EventEmitter } from 'node:events';
import type { Clock, Result } from '../../core/index.js';
import { err, ok } from '../../core/index.js';
import type { HospitalSite, TravelEstimate } from '../../dispatch/index.js';
import type { Logger } from '../../log/index.js';
import { decideEta, gpsEta, type EtaDecision, type EtaPolicy, type Fix } from './eta.js';
import type { CardSessionService } from './session.js';
import { openReport } from './state.js';

/** What the ETA panel shows about the current patient's open report. */
export interface EtaView {
  readonly reportId: string;
  readonly hospitalId: string;
  /** The ETA the hospital holds (the report's latest). */
  readonly sentEta: number;
  readonly manualEta?: number;
  /** From the latest usable fix, when there is one. */
  readonly gps?: { readonly eta: number; readonly estimate: TravelEstimate };
  /** Why the last fix changed nothing at the hospital (or undefined: it did, or none yet). */
  readonly held?: Exclude<EtaDecision, { send: true }>['reason'];
  readonly hasSite: boolean;
}

export type GpsRefusal = 'no-report' | 'not-sent';

/**
 * The tablet's GPS ETA (issue 16, item 4), the adapter around `decideEta`: the browser posts each fix
 * (POST body only); the latest is kept in memory, never written, logged, counted or put in a URL or a
 * topic. For the patient on screen, a material change of the drive time becomes an update of the open
 * report (its only change: the ETA), at most once per interval; the crew's own ETA wins until cleared.
 */
export class GpsEta extends EventEmitter<{ changed: [] }> {
  #fix: Fix | undefined;
  readonly #autoSentAt = new Map<string, number>();
  readonly #manual = new Map<string, number>();
  readonly #held = new Map<string, EtaView['held']>();
  #busy: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly o: {
      readonly session: Pick<CardSessionService, 'current' | 'reports'>;
      readonly sites: ReadonlyMap<string, HospitalSite>;
      readonly policy: EtaPolicy;
      readonly clock: Clock;
      readonly logger: Logger;
    },
  ) {
    super();
  }

  /**
   * The open report of the patient on screen, with its tap, or undefined. Declined is not open: an
   * ETA "update" to the hospital that declined would be a new report to it; the crew diverts instead.
   */
  #target() {
    const s = this.o.session.current;
    const latest = s === undefined ? undefined : openReport(s, (id) => this.o.session.reports.view(id));
    return s === undefined || latest === undefined ? undefined : { tap: s.tap, latest };
  }

  view(): EtaView | undefined {
    const t = this.#target();
    if (t === undefined) return undefined;
    const { reportId, hospitalId } = t.latest;
    const site = this.o.sites.get(hospitalId);
    const now = this.o.clock.now();
    const fix = this.#fix;
    const usable =
      fix !== undefined &&
      site !== undefined &&
      now - fix.at <= this.o.policy.maxFixAgeMs &&
      fix.accuracyMeters <= this.o.policy.maxAccuracyMeters;
    const manual = this.#manual.get(reportId);
    const held = this.#held.get(reportId);
    return {
      reportId,
      hospitalId,
      sentEta: Date.parse(t.latest.input.eta),
      ...(manual === undefined ? {} : { manualEta: manual }),
      ...(usable ? { gps: gpsEta(fix, site, this.o.policy, now) } : {}),
      ...(held === undefined ? {} : { held }),
      hasSite: site !== undefined,
    };
  }

  /** A fix from the browser: decides, and sends the update if it is due. One fix at a time. */
  position(fix: Fix): Promise<void> {
    this.#fix = fix;
    const run = this.#busy.then(() => this.#apply());
    this.#busy = run.catch(() => undefined);
    return run;
  }

  async #apply(): Promise<void> {
    const t = this.#target();
    const fix = this.#fix;
    if (t === undefined || fix === undefined) return this.#changed();
    const { reportId, hospitalId, input } = t.latest;
    const now = this.o.clock.now();
    const autoSentAt = this.#autoSentAt.get(reportId);
    const manualEta = this.#manual.get(reportId);
    const decision = decideEta(
      {
        reportId,
        hospitalId,
        sentEta: Date.parse(input.eta),
        ...(autoSentAt === undefined ? {} : { autoSentAt }),
        ...(manualEta === undefined ? {} : { manualEta }),
      },
      fix,
      this.o.sites.get(hospitalId),
      this.o.policy,
      now,
    );
    if (!decision.send) {
      this.#held.set(reportId, decision.reason);
      return this.#changed();
    }
    const sent = await this.o.session.reports.send(t.tap, hospitalId, {
      ...input,
      eta: new Date(decision.eta).toISOString(),
    });
    if (sent.ok) {
      this.#autoSentAt.set(reportId, now);
      this.#held.delete(reportId);
    } else this.o.logger.warn('gps eta update not sent', { code: sent.error });
    this.#changed();
  }

  /** The crew's own ETA, sent at once; GPS changes nothing until it is cleared. */
  async setManual(minutes: number): Promise<Result<void, GpsRefusal>> {
    const t = this.#target();
    if (t === undefined) return err('no-report');
    const eta = this.o.clock.now() + minutes * 60_000;
    this.#manual.set(t.latest.reportId, eta);
    const sent = await this.o.session.reports.send(t.tap, t.latest.hospitalId, {
      ...t.latest.input,
      eta: new Date(eta).toISOString(),
    });
    this.#changed();
    return sent.ok ? ok(undefined) : err('not-sent');
  }

  /** Back to GPS: the next fix decides (and is sent if it differs materially). */
  async clearManual(): Promise<void> {
    const t = this.#target();
    if (t === undefined) return;
    this.#manual.delete(t.latest.reportId);
    this.#autoSentAt.delete(t.latest.reportId);
    if (this.#fix === undefined) return this.#changed();
    await this.position(this.#fix);
  }

  /** Forgets the position (log-off, stop): nothing of it outlives its use. */
  forget(): void {
    this.#fix = undefined;
  }

  #changed(): void {
    this.emit('changed');
  }
}
