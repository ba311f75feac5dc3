import type { Context } from 'hono';
import type * as v from 'valibot';
import { ApiFailure, type Gateway, type GatewayEnv } from '../../gateway/index.js';

/** The tablet's routes are the crew's only. */
export const CREW = { kind: 'roles', roles: ['crew'] } as const;

/** Back to the screen (303 See Other: the browser follows with a GET); the live stream does the rest. */
export const back = (c: Context<GatewayEnv>): Response => c.redirect('/', 303);

/** The crew member behind a post (the route already admits the crew only). */
export const crewOf = (c: Context<GatewayEnv>): { readonly userId: string; readonly role: 'crew' } => {
  const session = c.get('session');
  if (session?.role !== 'crew') throw new ApiFailure('unauthenticated');
  return { userId: session.userId, role: session.role };
};

/**
 * One way for every form post of the tablet: the crew only; the body read by its valibot schema
 * through the gateway's one validation hook, which keeps a refused post (what was typed, an error code
 * per field, under the form's `_form` id) and redirects to the screen; a handler's own refusal is
 * `gateway.refuseForm(c, errors)`, returned as is. Anything else answers 303 to `/`: the screen
 * reloads and the live stream refreshes the panels as the patient's session moves on.
 */
export const crewForm = <S extends v.GenericSchema>(
  gateway: Gateway,
  route: {
    readonly path: string;
    readonly summary: string;
    readonly schema: S;
    readonly handle: (
      body: v.InferOutput<S>,
      c: Context<GatewayEnv>,
      // Nothing returned: back to the screen.
    ) => Response | void | Promise<Response | void>;
  },
): void =>
  gateway.routes.add({
    method: 'post',
    path: route.path,
    summary: route.summary,
    access: CREW,
    body: { kind: 'form', schema: route.schema },
    response: { kind: 'redirect' },
    redirectOnInvalid: '/',
    handler: async (c, { body }) => (await route.handle(body as v.InferOutput<S>, c)) ?? back(c),
  });
