import * as v from 'valibot';
import { ApiFailure, type Gateway } from '../../gateway/index.js';
import type { Logger } from '../../log/index.js';
import { phi } from '../../log/index.js';
import { UNABLE_REASONS, type ConsentBasis } from '../../records/index.js';
import { assuranceCode } from '../../summary/index.js';
import { PrincipalId, ReportForm, reportFormErrors, reportInput, TapId } from './report-form.js';
import { reportSummary } from './report-summary.js';
import type { DemoHolder } from './card-panel.js';
import type { DemoNamesake } from './lookup-panel.js';
import type { UnitAssignment } from './assignment.js';
import { back, crewForm, crewOf } from './crew-forms.js';
import type { CardSessionService } from './session.js';
import type { ShiftReports } from './shift-reports.js';
import {
  AGE_BANDS,
  assuranceOf,
  latestReport,
  openReport,
  SEXES,
  shownSummary,
  type CardSession,
} from './state.js';

/** The demo's emulated card (in-process reader only): tap a holder's card, or take it away. */
export interface DemoCards {
  readonly holders: readonly DemoHolder[];
  /** Synthetic namesake pairs to try the card-less lookup with (issue 13). */
  readonly namesakes: readonly DemoNamesake[];
  insert(holder: number): Promise<void>;
  remove(): void;
}

export interface TabletRoutesOptions {
  readonly gateway: Gateway;
  readonly session: CardSessionService;
  /** The shift's reports in the outbox: form keys already used, and the handover. */
  readonly reports: ShiftReports;
  readonly unitId: string;
  readonly isHospital: (id: string) => boolean;
  readonly now: () => number;
  readonly logger: Logger;
  readonly demo: DemoCards | undefined;
  /** The dispatch case this unit runs; milestones go to its centre. */
  readonly assignment: Pick<UnitAssignment, 'record' | 'current' | 'mayRecord'>;
}

const Tap = v.object({ _csrf: v.string(), tap: TapId });
/**
 * The second step of a dangerous action (the Confirm component posts it): without it the action is
 * refused, so a stray tap, a replayed form or a missing script cannot hand over, divert or cancel.
 */
const Confirmed = v.literal('yes');
const IdentifyForm = v.variant('mode', [
  v.object({ _csrf: v.string(), tap: TapId, mode: v.literal('visual') }),
  v.object({
    _csrf: v.string(),
    tap: TapId,
    mode: v.literal('pin'),
    pin: v.pipe(v.string(), v.regex(/^\d{4}$/)),
  }),
]);
const ConsentForm = v.variant('basis', [
  v.object({ _csrf: v.string(), tap: TapId, basis: v.literal('given') }),
  v.object({
    _csrf: v.string(),
    tap: TapId,
    basis: v.literal('unable-emergency'),
    reason: v.picklist(UNABLE_REASONS),
  }),
  // Refusing fetches nothing for this patient: a dangerous action, confirmed (issue 15).
  v.object({ _csrf: v.string(), tap: TapId, basis: v.literal('refused'), confirm: Confirmed }),
]);
const DivertForm = v.object({ _csrf: v.string(), tap: TapId, hospital: PrincipalId, confirm: Confirmed });
const CancelForm = v.object({
  _csrf: v.string(),
  tap: TapId,
  reason: v.picklist(['no-transport', 'entered-in-error']),
  confirm: Confirmed,
});
const HandoverForm = v.object({ _csrf: v.string(), tap: TapId, confirm: Confirmed });
const NewPatientForm = v.object({
  _csrf: v.string(),
  ageBand: v.picklist(AGE_BANDS),
  sex: v.picklist(SEXES),
});
const SelectForm = v.object({ _csrf: v.string(), patient: TapId });
const DiscardForm = v.object({ _csrf: v.string(), tap: TapId, confirm: Confirmed });
const MilestoneForm = v.object({ _csrf: v.string(), milestone: v.picklist(['departure', 'arrival']) });
const DemoInsertForm = v.object({ _csrf: v.string(), holder: v.pipe(v.string(), v.regex(/^\d{1,4}$/)) });
const DemoRemoveForm = v.object({ _csrf: v.string() });

/** Only the error's class: a message could quote data. */
const errorName = (e: unknown): string => (e instanceof Error ? e.name : 'unknown');

/** The audit's "why" from the consent basis: consent, or the emergency exception and its reason code. */
export const accessReason = (
  consent: ConsentBasis,
): { purpose: 'consent' | 'emergency-exception' | 'refused'; reason?: string } => {
  switch (consent.basis) {
    case 'given':
      return { purpose: 'consent' };
    case 'unable-emergency':
      return { purpose: 'emergency-exception', reason: consent.reason };
    case 'refused':
      return { purpose: 'refused' };
    default:
      return consent satisfies never;
  }
};

/** The audit's why for a session's patient: the consent basis and how the patient was identified. */
export const sessionAccess = (
  s: CardSession,
  consent: ConsentBasis | undefined,
): { purpose: 'consent' | 'emergency-exception' | 'refused'; reason?: string; assurance: string } => ({
  ...(consent === undefined ? { purpose: 'emergency-exception', reason: 'no-card' } : accessReason(consent)),
  assurance: assuranceCode(assuranceOf(s)),
});

/** The audit subject for a patient: the card session's opaque id, or the card-less session's id. */
export const patientSubject = (s: CardSession): { kind: 'card-session' | 'patient-session'; id: string } =>
  s.subject === undefined ? { kind: 'patient-session', id: s.tap } : { kind: 'card-session', id: s.subject };

/**
 * The tablet's form posts. Each answers 303 to `/`: the screen reloads and the live stream refreshes
 * the panels as the session moves on. Every form names its tap; a form from an earlier card is refused.
 */
export const tabletRoutes = (o: TabletRoutesOptions): void => {
  const { gateway, session } = o;
  crewForm(gateway, {
    path: '/tablet/identify',
    summary: 'Confirm the card holder: visually (the crew member attests) or with the PIN',
    schema: IdentifyForm,
    handle: async (body, c) => {
      const attester = crewOf(c).userId;
      await session.card.identify(
        body.tap,
        body.mode === 'visual' ? { mode: 'visual', attester } : { mode: 'pin', pin: phi(body.pin) },
      );
    },
  });
  crewForm(gateway, {
    path: '/tablet/consent',
    summary: 'Record the consent basis; unless refused, fetch the emergency summary',
    schema: ConsentForm,
    handle: (body, c) => {
      const crew = crewOf(c).userId;
      const consent: ConsentBasis =
        body.basis === 'unable-emergency'
          ? { basis: body.basis, reason: body.reason }
          : { basis: body.basis };
      const current = session.current?.tap === body.tap ? session.current : undefined;
      if (current?.subject !== undefined && consent.basis !== 'refused')
        gateway.recordAccess(
          c,
          'read',
          { kind: 'card-session', id: current.subject },
          sessionAccess(current, consent),
        );
      // Not awaited: the panels follow the request (fetching → summary) over the live stream.
      session.records
        .consent(body.tap, consent, crew)
        .catch((e: unknown) => o.logger.error('records fetch failed', { error: errorName(e) }));
    },
  });
  crewForm(gateway, {
    path: '/tablet/retry',
    summary: 'Ask the records service again now',
    schema: Tap,
    handle: (body, c) => {
      session.records
        .retry(body.tap, crewOf(c).userId)
        .catch((e: unknown) => o.logger.error('records retry failed', { error: errorName(e) }));
    },
  });
  crewForm(gateway, {
    path: '/tablet/report',
    summary: 'Send the pre-arrival report (ATMIST, vitals, acuity, ETA), or an update of it',
    schema: ReportForm,
    handle: async (body, c) => {
      // R4: a form already sent (its response lost to a crash or a dropped connection) is that
      // report, whatever became of its card session: never a second report, never a refusal that
      // leaves the crew thinking it was lost. Checked before the tap, which a restart makes stale.
      if (o.reports.repeated(body.key) !== undefined) return back(c);
      const s = session.current;
      // Another patient is on screen (a new card, a switch): the typing is kept under its own patient,
      // never sent for the one on screen and never lost (issue 15).
      if (s?.tap !== body.tap) {
        session.note('stale');
        return gateway.refuseForm(c, {});
      }
      const errors = {
        ...reportFormErrors(body),
        ...(o.isHospital(body.hospital) ? {} : { hospital: 'choice' as const }),
      };
      if (Object.keys(errors).length > 0) return gateway.refuseForm(c, errors);
      // An open report is updated at its own destination only; another hospital is the divert action.
      const open = openReport(s, (id) => session.reports.view(id));
      if (open !== undefined && open.hospitalId !== body.hospital) {
        session.note('divert-needed');
        return gateway.refuseForm(c, { hospital: 'choice' });
      }
      // The records answer, with any お薬手帳 the crew confirmed merged in (never an unconfirmed one).
      const shown = shownSummary(s);
      const latest = latestReport(s);
      const input = reportInput(body, {
        now: o.now(),
        unitId: o.unitId,
        previousSigns: latest?.input.atmist.signs ?? [],
        summary: shown === undefined ? undefined : reportSummary(shown.summary, shown.at),
        identity: assuranceOf(s),
        dispatch: o.assignment.current?.assignment,
      });
      if (!input.ok) {
        session.note(input.error);
        return gateway.refuseForm(c, {});
      }
      const sent = await session.reports.send(body.tap, body.hospital, input.value, body.key);
      if (!sent.ok) return gateway.refuseForm(c, {});
      await gateway.formDone(c);
      // A re-post that raced the first post of its form: the feed found the key; say so on the list.
      if (sent.value.repeated) o.reports.repeated(body.key);
      else {
        o.reports.sent();
        const id = sent.value.reportId;
        gateway.recordAccess(c, 'create', { kind: 'report', id }, sessionAccess(s, s.consent));
      }
      return back(c);
    },
  });
  crewForm(gateway, {
    path: '/tablet/divert',
    summary: 'Divert: cancel the report at the first hospital and send it to another',
    schema: DivertForm,
    handle: async (body) => {
      if (!o.isHospital(body.hospital)) session.note('unknown-hospital');
      else await session.reports.divert(body.tap, body.hospital);
    },
  });
  crewForm(gateway, {
    path: '/tablet/cancel',
    summary: 'Cancel the open report (no transport, entered in error): it leaves the hospital board',
    schema: CancelForm,
    handle: async (body) => {
      await session.reports.cancel(body.tap, body.reason);
    },
  });
  crewForm(gateway, {
    path: '/tablet/handover',
    summary: "Handover done: the patient's data is purged from the tablet (confirmed)",
    schema: HandoverForm,
    handle: async (body, c) => {
      const s = session.current?.tap === body.tap ? session.current : undefined;
      // Handing over means the patient is at the hospital: the arrival, unless already pressed.
      if (s !== undefined) await o.assignment.record('arrival');
      // The session's reports leave the shift's list with it (the tablet keeps nothing after handover).
      if (s !== undefined) o.reports.handOver(s.reports.map((r) => r.reportId));
      const done = session.handover(body.tap);
      if (done.ok && s !== undefined) {
        gateway.recordAccess(c, 'delete', patientSubject(s), {
          ...sessionAccess(s, s.consent),
          reason: 'handover',
        });
        // Drafts and kept forms of this patient leave with its data.
        gateway.forms.forget((id) => id.endsWith(`:${s.tap}`));
      }
    },
  });
  crewForm(gateway, {
    path: '/tablet/patient/new',
    summary: 'Start a patient without a card (unknown patient): estimated age band and sex',
    schema: NewPatientForm,
    handle: (body, c) => {
      const started = session.startUnknown({ ageBand: body.ageBand, sex: body.sex });
      if (started.ok)
        gateway.recordAccess(
          c,
          'create',
          { kind: 'patient-session', id: started.value },
          { purpose: 'emergency-exception', reason: 'no-card', assurance: 'crew-entered' },
        );
    },
  });
  crewForm(gateway, {
    path: '/tablet/patient/select',
    summary: 'Show another patient of this tablet (nothing is discarded)',
    schema: SelectForm,
    handle: (body) => {
      session.select(body.patient);
    },
  });
  crewForm(gateway, {
    path: '/tablet/patient/discard',
    summary: 'Discard the patient on screen without a handover; asks first when nothing of it was sent',
    schema: DiscardForm,
    handle: (body, c) => {
      const s = session.current?.tap === body.tap ? session.current : undefined;
      const done = session.discard(body.tap, body.confirm === 'yes');
      if (done.ok && s !== undefined) {
        gateway.recordAccess(c, 'delete', patientSubject(s), {
          ...sessionAccess(s, s.consent),
          reason: 'discarded',
        });
        gateway.forms.forget((id) => id.endsWith(`:${s.tap}`));
      }
    },
  });
  crewForm(gateway, {
    path: '/tablet/milestone',
    summary: "Report the unit's departure from the scene or arrival at hospital to the dispatch centre",
    schema: MilestoneForm,
    handle: async (body) => {
      if (!o.assignment.mayRecord(body.milestone)) session.note('departure-first');
      else await o.assignment.record(body.milestone);
    },
  });

  const demo = o.demo;
  if (demo === undefined) return;
  crewForm(gateway, {
    path: '/tablet/demo/insert',
    summary: 'Demo only (in-process reader): tap the emulated card of a synthetic holder',
    schema: DemoInsertForm,
    handle: async (body) => {
      const holder = Number(body.holder);
      if (!demo.holders.some((h) => h.index === holder)) throw new ApiFailure('invalid-input', ['holder']);
      await demo.insert(holder);
    },
  });
  crewForm(gateway, {
    path: '/tablet/demo/remove',
    summary: 'Demo only (in-process reader): take the emulated card away',
    schema: DemoRemoveForm,
    handle: () => {
      demo.remove();
    },
  });
};
