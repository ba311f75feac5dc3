import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from '../../log/index.js';
import { ApiFailure, errorBody, statusOf, type ApiErrorCode } from './errors.js';

export const errorResponse = (c: Context, code: ApiErrorCode, fields?: readonly string[]): Response =>
  c.json(errorBody(code, fields), statusOf(code));

/**
 * The one place errors become responses. Our own failures keep their code; hono's HTTPExceptions
 * (malformed JSON, bad Content-Type) are client faults whose message may quote the input, so only the
 * status class survives; anything else is a server fault: logged, answered 500 without detail.
 */
export const errorHandler =
  (logger: Logger): ErrorHandler =>
  (error, c) => {
    if (error instanceof ApiFailure) return errorResponse(c, error.code, error.fields);
    if (error instanceof HTTPException) {
      const status = error.status;
      if (status === 413) return errorResponse(c, 'body-too-large');
      if (status === 415) return errorResponse(c, 'unsupported-media-type');
      if (status === 401) return errorResponse(c, 'unauthenticated');
      if (status === 403) return errorResponse(c, 'forbidden');
      if (status >= 400 && status < 500) return errorResponse(c, 'invalid-input');
    }
    logger.error('request failed', { error: error instanceof Error ? error : new Error('non-error thrown') });
    return errorResponse(c, 'internal');
  };

export const notFoundHandler: NotFoundHandler = (c) => errorResponse(c, 'not-found');
