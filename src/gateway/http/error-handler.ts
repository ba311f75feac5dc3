import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from '../../log/index.js';
import type { GatewayEnv } from './env.js';
import { ApiFailure, errorBody, statusOf, type ApiErrorCode } from './errors.js';

export const errorResponse = (c: Context, code: ApiErrorCode, fields?: readonly string[]): Response =>
  c.json(errorBody(code, fields), statusOf(code));

/** The error as a page in the person's language (the screens' ErrorPage), under the code's status. */
export type ErrorPage = (c: Context<GatewayEnv>, code: ApiErrorCode) => Response | Promise<Response>;

/**
 * A person's browser asked (a navigation or a form post names HTML in Accept, RFC 9110 §12.5.1), not
 * an API client or the live script's fetches (`*∕*`): it gets the page, everything else the JSON body.
 */
const wantsPage = (c: Context): boolean =>
  !c.req.path.startsWith('/api/') && (c.req.header('accept') ?? '').includes('text/html');

const answer = (
  c: Context<GatewayEnv>,
  page: ErrorPage | undefined,
  code: ApiErrorCode,
  fields?: readonly string[],
): Response | Promise<Response> =>
  page !== undefined && wantsPage(c) ? page(c, code) : errorResponse(c, code, fields);

/**
 * The one place errors become responses. Our own failures keep their code; hono's HTTPExceptions
 * (malformed JSON, bad Content-Type) are client faults whose message may quote the input, so only the
 * status class survives; anything else is a server fault: logged, answered 500 without detail.
 */
export const errorHandler =
  (logger: Logger, page?: ErrorPage): ErrorHandler<GatewayEnv> =>
  (error, c) => {
    if (error instanceof ApiFailure) return answer(c, page, error.code, error.fields);
    if (error instanceof HTTPException) {
      const status = error.status;
      if (status === 413) return answer(c, page, 'body-too-large');
      if (status === 415) return answer(c, page, 'unsupported-media-type');
      if (status === 401) return answer(c, page, 'unauthenticated');
      if (status === 403) return answer(c, page, 'forbidden');
      if (status >= 400 && status < 500) return answer(c, page, 'invalid-input');
    }
    logger.error('request failed', { error: error instanceof Error ? error : new Error('non-error thrown') });
    return answer(c, page, 'internal');
  };

export const notFoundHandler =
  (page?: ErrorPage): NotFoundHandler<GatewayEnv> =>
  (c) =>
    answer(c, page, 'not-found');
