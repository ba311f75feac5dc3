import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { timingSafeEqual } from 'node:crypto';
import { ApiFailure } from './errors.js';
import type { GatewayEnv } from './env.js';

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * A cross-site request announces itself: Fetch Metadata when the browser sends it (it cannot be set
 * by a page), else Origin. Origin alone is not trusted to be exact: under a strict Referrer-Policy
 * Chromium sends `Origin: null` even for same-origin form posts.
 */
const crossSite = (c: Context): boolean => {
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  const origin = c.req.header('origin');
  if (origin === undefined) return false;
  // The request URL's authority is the Host the client addressed (the Node adapter builds it so).
  if (origin === 'null') return true;
  try {
    return new URL(origin).host !== new URL(c.req.url).host;
  } catch {
    return true;
  }
};

/**
 * For every state-changing route, JSON ones included: a request a browser marks cross-site is refused.
 * JSON posts cannot be made cross-site without a CORS preflight we never answer, so this is the second
 * wall, and the one that holds if a browser or a proxy ever lets a simple request through.
 */
export const sameSiteOnly: MiddlewareHandler = async (c, next) => {
  if (crossSite(c)) throw new ApiFailure('csrf-failed');
  await next();
};

/**
 * CSRF for form posts, in depth: SameSite=Strict cookies, Fetch Metadata/Origin, and a synchroniser
 * token in the form (`_csrf`). Logged in, the token is the session's; on the login form, it is
 * double-submitted against the pre-session cookie (login CSRF).
 */
export const csrfProtection =
  (source: 'session' | { readonly loginCookie: string }): MiddlewareHandler<GatewayEnv> =>
  async (c, next) => {
    if (crossSite(c)) throw new ApiFailure('csrf-failed');
    const form: Record<string, unknown> = await c.req.parseBody().catch(() => ({}));
    const given = form['_csrf'];
    const expected = source === 'session' ? c.get('session')?.csrf : getCookie(c, source.loginCookie);
    if (typeof given !== 'string' || expected === undefined || !same(given, expected))
      throw new ApiFailure('csrf-failed');
    await next();
  };
