import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import * as v from 'valibot';
import type { GatewayEnv } from '../http/env.js';
import { cookieOptions } from '../http/cookies.js';
import { DEFAULT_LOCALE, LOCALES } from './messages.js';

const LocaleSchema = v.picklist(LOCALES);

/** `?lang=en` switches and remembers (cookie); anything else keeps the cookie's choice or Japanese. */
export const localeMiddleware =
  (cookieName: string, secure: boolean): MiddlewareHandler<GatewayEnv> =>
  async (c, next) => {
    const asked = v.safeParse(LocaleSchema, c.req.query('lang'));
    const remembered = v.safeParse(LocaleSchema, getCookie(c, cookieName));
    if (asked.success) setCookie(c, cookieName, asked.output, cookieOptions(secure, 365 * 86400));
    c.set('locale', asked.success ? asked.output : remembered.success ? remembered.output : DEFAULT_LOCALE);
    await next();
  };
