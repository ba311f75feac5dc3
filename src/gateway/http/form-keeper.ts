import type { Context } from 'hono';
import * as v from 'valibot';
import { submittedValues, type FieldErrorCode, type FormStore } from '../ui/form-state.js';
import type { GatewayEnv } from './env.js';

/**
 * A form's id as its markup names it (`_form`): a kind and, for per-patient forms, an opaque id
 * (`report:tap-…`). Never patient data: it is a key in server memory and a `data-form` attribute.
 */
export const FormId = v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{0,30}(:[a-z0-9-]{1,80})?$/));

/** Secrets are never kept, not even in memory: a refused log-in or PIN comes back empty in that field. */
const SECRETS = new Set(['password', 'pin', 'otp']);

/** Whose form it is: the enrolled browser (a tablet keeps its drafts across a log-off), else none. */
export const formScope = (c: Context<GatewayEnv>): string | undefined =>
  c.get('session')?.device ?? c.get('device');

/** The form id a post names, else the route's path (`/tablet/report` → `tablet-report`). */
export const formIdOf = (c: Context<GatewayEnv>, body: Readonly<Record<string, unknown>>): string => {
  const named = v.safeParse(FormId, body['_form']);
  if (named.success) return named.output;
  return (
    c.req.path
      .replace(/^\/+/, '')
      .replace(/[^a-z0-9]+/g, '-')
      .slice(0, 31) || 'form'
  );
};

const bodyOf = async (c: Context<GatewayEnv>): Promise<Record<string, unknown>> => {
  // hono caches the parsed body: the validator already read it, this reads the same copy.
  const body = (await c.req.parseBody()) as Record<string, unknown>;
  return body;
};

/**
 * Keeps a refused form (every value typed, secrets aside, and an error code per field) for this
 * browser under its form id. False where no browser is known to keep it for (a first log-in).
 */
export const keepRefusedForm = async (
  c: Context<GatewayEnv>,
  forms: FormStore,
  errors: Readonly<Record<string, FieldErrorCode>>,
): Promise<boolean> => {
  const scope = formScope(c);
  if (scope === undefined) return false;
  const body = await bodyOf(c);
  const values = submittedValues(body);
  for (const secret of SECRETS) delete values[secret];
  forms.keep(scope, formIdOf(c, body), { values, errors });
  return true;
};

/** Saves typing as a draft (no errors added; those of a refused post stay until the next post). */
export const keepDraft = async (c: Context<GatewayEnv>, forms: FormStore): Promise<boolean> => {
  const scope = formScope(c);
  if (scope === undefined) return false;
  const body = await bodyOf(c);
  const id = formIdOf(c, body);
  const values = submittedValues(body);
  for (const secret of SECRETS) delete values[secret];
  forms.keep(scope, id, { values, errors: forms.get(scope, id)?.errors ?? {} });
  return true;
};

/** The form went through: what was kept of it goes. */
export const formDone = async (c: Context<GatewayEnv>, forms: FormStore): Promise<void> => {
  const scope = formScope(c);
  if (scope === undefined) return;
  forms.clear(scope, formIdOf(c, await bodyOf(c)));
};
