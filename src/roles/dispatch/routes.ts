import * as v from 'valibot';
import { Acuity, AgeBand, CaseId, Category, OpaqueId, Sex } from '../../dispatch/index.js';
import { ApiFailure, type Gateway } from '../../gateway/index.js';
import type { DispatchCases } from './cases.js';
import { ASSIGN_ERROR, type UnitDesk } from './unit-desk.js';
import { SAMPLE_PLACES } from './places.js';

const Coordinate = (min: number, max: number) =>
  v.optional(
    v.union([
      v.literal(''),
      v.pipe(
        v.string(),
        v.regex(/^-?\d{1,3}(\.\d{1,8})?$/),
        v.transform(Number),
        v.minValue(min),
        v.maxValue(max),
      ),
    ]),
  );

export const IncidentForm = v.object({
  _csrf: v.string(),
  place: v.optional(v.picklist(['', ...SAMPLE_PLACES.map((p) => p.id)])),
  lat: Coordinate(-90, 90),
  lon: Coordinate(-180, 180),
  category: Category,
  acuity: Acuity,
  ageBand: AgeBand,
  sex: Sex,
  /** The case on screen, when the form revises it (nobody asked yet) instead of opening another. */
  caseId: v.optional(CaseId),
  intent: v.optional(v.picklist(['revise', 'new']), 'new'),
});

/** Checkboxes `to_<hospitalId>`: one per hospital chosen; the ids are checked against the ranking. */
export const SendForm = v.looseObject({ _csrf: v.string(), caseId: CaseId });
export const CaseForm = v.object({ _csrf: v.string(), caseId: CaseId });
export const AssignForm = v.object({ _csrf: v.string(), caseId: CaseId, unitId: OpaqueId });

const chosen = (form: Record<string, unknown>): string[] =>
  Object.keys(form)
    .filter((k) => k.startsWith('to_') && form[k] === 'on')
    .map((k) => k.slice(3))
    .filter((id) => v.is(OpaqueId, id));

/** The dispatcher's forms: enter an incident, ask the chosen hospitals, cancel a case. */
export const dispatchRoutes = (gateway: Gateway, cases: DispatchCases, units: UnitDesk): void => {
  gateway.routes.add({
    method: 'post',
    path: '/dispatch/incident',
    summary:
      'Enter an incident (place, category, acuity, age band, sex): opens a case and ranks destinations',
    access: { kind: 'roles', roles: ['dispatcher'] },
    body: { kind: 'form', schema: IncidentForm },
    response: { kind: 'redirect' },
    redirectOnInvalid: '/',
    handler: async (c, { body }) => {
      const place = SAMPLE_PLACES.find((p) => p.id === body.place)?.at;
      const lat = typeof body.lat === 'number' ? body.lat : undefined;
      const lon = typeof body.lon === 'number' ? body.lon : undefined;
      const location = place ?? (lat !== undefined && lon !== undefined ? { lat, lon } : undefined);
      // No place and no (complete) coordinates: name what is missing, keep everything typed.
      if (location === undefined)
        return gateway.refuseForm(c, {
          ...(lat === undefined ? { lat: 'required' } : {}),
          ...(lon === undefined ? { lon: 'required' } : {}),
        });
      const session = c.get('session');
      if (session === undefined) throw new ApiFailure('unauthenticated');
      const input = {
        incident: { location, category: body.category, acuity: body.acuity },
        ageBand: body.ageBand,
        sex: body.sex,
      };
      // Pressing 搬送先候補 again re-ranks the case on screen; only "new case" opens another.
      const revised =
        body.intent === 'revise' &&
        body.caseId !== undefined &&
        cases.revise(session.userId, body.caseId, input);
      if (!revised) cases.open(session.userId, input);
      await gateway.formDone(c);
      gateway.live.refresh('incident');
      return c.redirect('/', 303);
    },
  });
  gateway.routes.add({
    method: 'post',
    path: '/dispatch/inquiries',
    summary: 'Send acceptance inquiries for a case to the chosen ranked hospitals at once',
    access: { kind: 'roles', roles: ['dispatcher'] },
    body: { kind: 'form', schema: SendForm },
    response: { kind: 'redirect' },
    redirectOnInvalid: '/',
    handler: async (c, { body }) => {
      const sent = await cases.ask(body.caseId, chosen(body));
      if (!sent) throw new ApiFailure('not-found');
      return c.redirect('/', 303);
    },
  });
  gateway.routes.add({
    method: 'post',
    path: '/dispatch/cases/cancel',
    summary: 'Cancel a case: every open inquiry is withdrawn',
    access: { kind: 'roles', roles: ['dispatcher'] },
    body: { kind: 'form', schema: CaseForm },
    response: { kind: 'redirect' },
    redirectOnInvalid: '/',
    handler: async (c, { body }) => {
      if (!(await cases.cancel(body.caseId))) throw new ApiFailure('not-found');
      return c.redirect('/', 303);
    },
  });
  gateway.routes.add({
    method: 'post',
    path: '/dispatch/cases/assign',
    summary: 'Assign an ambulance unit to a case: the unit is sent the case id, sealed',
    access: { kind: 'roles', roles: ['dispatcher'] },
    body: { kind: 'form', schema: AssignForm },
    response: { kind: 'redirect' },
    redirectOnInvalid: '/',
    handler: async (c, { body }) => {
      if (cases.incident(body.caseId) === undefined) throw new ApiFailure('not-found');
      const assigned = await units.assign(body.caseId, body.unitId);
      // Not sent: the incident panel says so (press again); the case keeps its previous unit.
      if (!assigned.ok && assigned.error === ASSIGN_ERROR.unknownUnit)
        throw new ApiFailure('invalid-input', ['unitId']);
      return c.redirect('/', 303);
    },
  });
};
