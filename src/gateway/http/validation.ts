import type { Context, MiddlewareHandler, ValidationTargets } from 'hono';
import { vValidator } from '@hono/valibot-validator';
import type * as v from 'valibot';
import { declaredKeys, fieldErrorsOf, type FormStore } from '../ui/form-state.js';
import { errorResponse } from './error-handler.js';
import { keepRefusedForm } from './form-keeper.js';
import type { GatewayEnv } from './env.js';

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
  /**
   * For HTML forms: on failure, redirect (303) here. With `forms`, the browser's form is kept there
   * first (values and an error per field), so the screen shows it again with every error named;
   * without a browser to keep it for, the redirect carries `?error=invalid-input`.
   */
  readonly redirectTo?: string;
  readonly forms?: FormStore;
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
  vValidator(target, schema, async (result, c: Context<GatewayEnv>) => {
    if (result.success) return undefined;
    if (options.redirectTo !== undefined) {
      const kept =
        target === 'form' &&
        options.forms !== undefined &&
        (await keepRefusedForm(c, options.forms, fieldErrorsOf(schema, result.issues)));
      return c.redirect(kept ? options.redirectTo : `${options.redirectTo}?error=invalid-input`, 303);
    }
    return errorResponse(c, 'invalid-input', failedFields(schema, result.issues));
  });
