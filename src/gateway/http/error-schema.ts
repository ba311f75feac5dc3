import * as v from 'valibot';
import { ApiErrorCode } from './errors.js';

/** The error body, as a schema for the OpenAPI description. */
export const ErrorBody = v.object({
  code: v.picklist(Object.values(ApiErrorCode)),
  message: v.string(),
  fields: v.optional(v.array(v.string())),
});
