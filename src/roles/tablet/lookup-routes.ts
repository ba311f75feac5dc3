import { randomBytes } from 'node:crypto';
import * as v from 'valibot';
import type { Gateway } from '../../gateway/index.js';
import type { Logger } from '../../log/index.js';
import { SlidingWindow, lookupInputsDigest, type RateLimit } from '../../records/index.js';
import { draftOf, LookupForm, lookupQueryOf } from './lookup-form.js';
import { TapId } from './report-form.js';
import { crewForm, crewOf } from './crew-forms.js';
import type { CardSessionService } from './session.js';

export interface LookupRoutesOptions {
  readonly gateway: Gateway;
  readonly session: CardSessionService;
  /** This unit's principal id (the audit's device). */
  readonly unitId: string;
  /** Lookups per crew member (config `records.lookupLimit`). */
  readonly limit: RateLimit;
  readonly now: () => number;
  readonly logger: Logger;
  /** Called when the process stops: the audit key is wiped. */
  readonly onStop: (fn: () => void) => void;
}

/** The second step of the candidate's Confirm: without `confirm=yes` nothing is confirmed. */
const ConfirmForm = v.object({
  _csrf: v.string(),
  tap: TapId,
  ref: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/)),
  confirm: v.literal('yes'),
});
const NoneForm = v.object({ _csrf: v.string(), tap: TapId });
const AttachForm = v.object({ _csrf: v.string(), tap: TapId, patient: TapId });

/**
 * The card-less lookup's form posts (issue 13): the lookup itself (checked field by field, limited
 * per crew member, audited with its inputs as a keyed hash and the number of candidates), the crew's
 * confirmation of one candidate or of none, and attaching a card to an unknown patient. Each answers
 * 303 to `/`; the lookup panel shows the draft, its errors and the candidates from the session.
 */
export const lookupRoutes = (o: LookupRoutesOptions): void => {
  const { gateway, session } = o;
  const limiter = new SlidingWindow(o.limit);
  // The audit's key for lookup inputs: per process, never stored, so the hashes link lookups of one
  // run and nothing else (a guessed name and birth date cannot be tested against the log).
  const auditKey = randomBytes(32);
  o.onStop(() => auditKey.fill(0));
  crewForm(gateway, {
    path: '/tablet/lookup',
    summary:
      'Card-less lookup of the patient on screen: four basic items or insurer number (in the body only); candidates, none chosen',
    schema: LookupForm,
    handle: async (body, c) => {
      const crew = crewOf(c);
      const draft = draftOf(body);
      const query = lookupQueryOf(draft, o.now());
      if (!query.ok) {
        session.lookup.draft(body.tap, draft, query.error);
        return;
      }
      const audit = (outcome: 'success' | 'failure', candidates: number): void => {
        gateway.audit.record({
          role: crew.role,
          userId: crew.userId,
          device: o.unitId,
          action: 'search',
          subject: { kind: 'patient-session', id: body.tap },
          purpose: 'emergency-exception',
          reason: `lookup-${query.value.kind}`,
          outcome,
          assurance: 'crew-entered',
          lookup: { inputs: lookupInputsDigest(auditKey, query.value), candidates },
        });
      };
      const allowed = limiter.take(crew.userId, o.now());
      if (!allowed.ok) {
        if (session.lookup.refused(body.tap, draft, 'rate-limited').ok) audit('failure', 0);
        o.logger.info('lookup refused', { reason: 'rate-limited' });
        return;
      }
      const answered = await session.lookup.search(body.tap, query.value, draft, crew.userId);
      if (answered.ok)
        audit(
          answered.value.code === 'ok' ? 'success' : 'failure',
          answered.value.code === 'ok' ? answered.value.candidates.length : 0,
        );
    },
  });
  crewForm(gateway, {
    path: '/tablet/lookup/confirm',
    summary: 'Confirm one candidate of the lookup answer as the patient (the crew member is recorded)',
    schema: ConfirmForm,
    handle: (body, c) => {
      const crew = crewOf(c);
      const confirmed = session.lookup.confirm(body.tap, body.ref, crew.userId);
      if (confirmed.ok) {
        const s = session.current;
        if (s?.subject !== undefined)
          gateway.recordAccess(
            c,
            'update',
            { kind: 'patient-session', id: body.tap },
            {
              purpose: 'emergency-exception',
              reason: `lookup-${confirmed.value.method}`,
              assurance: `${confirmed.value.method}-${confirmed.value.score}`,
            },
          );
      }
    },
  });
  crewForm(gateway, {
    path: '/tablet/lookup/none',
    summary: 'None of the candidates is the patient: the patient stays unknown',
    schema: NoneForm,
    handle: (body) => {
      session.lookup.none(body.tap);
    },
  });
  crewForm(gateway, {
    path: '/tablet/card/attach',
    summary:
      'Attach the card on the reader to the unknown patient it was tapped for (refused if that patient is identified)',
    schema: AttachForm,
    handle: (body) => {
      session.card.attach(body.tap, body.patient);
    },
  });
};
