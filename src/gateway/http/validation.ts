import type { Context, MiddlewareHandler, ValidationTargets } from 'hono';
import { vValidator } from '@hono/valibot-validator';
import type * as v from 'valibot';
import { errorResponse } from './error-handler.js';

/** Field names the schema itself declares: the only path segments safe to name in an error. */
const declaredKeys = (schema: v.GenericSchema): ReadonlySet<string> =>
  new Set('entries' in schema ? Object.keys(schema.entries as Record<string, unknown>) : []);

/**
 * The names of the declared fields that failed. Issue messages and `input`/`received` are dropped:
 * valibot quotes the received value in them, and that may be patient data.
 */
export const failedFields = (schema: v.GenericSchema, issues: readonly v.BaseIssue<unknown>[]): string[] => {
  const known = declaredKeys(schema);
  const fields = new Set<string>();
  for (const issue of issues) {
    const key = issue.path?.[0]?.key;
    if (typeof key === 'string' && known.has(key)) fields.add(key);
  }
  return [...fields].sort();
};

export interface ValidateOptions {
  /** For HTML forms: on failure, redirect (303) here with `?error=invalid-input` instead of JSON. */
  readonly redirectTo?: string;
}

/**
 * The one validation hook: every route's input passes through here. Failures answer
 * `{code: 'invalid-input', message, fields}` and nothing of what was submitted.
 */
export const validate = <T extends v.GenericSchema>(
  target: keyof ValidationTargets,
  schema: T,
  options: ValidateOptions = {},
): MiddlewareHandler =>
  vValidator(target, schema, (result, c: Context) => {
    if (result.success) return undefined;
    if (options.redirectTo !== undefined) return c.redirect(`${options.redirectTo}?error=invalid-input`, 303);
    return errorResponse(c, 'invalid-input', failedFields(schema, result.issues));
  }) as unknown as MiddlewareHandler;
