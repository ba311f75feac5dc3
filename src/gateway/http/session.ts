import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { SessionStore } from '../auth/sessions.js';
import { isEnrolled } from '../auth/device.js';
import type { CookieNames } from './cookies.js';
import type { GatewayEnv } from './env.js';

/** Marks requests the page makes by itself (live refreshes); they do not count as user activity. */
export const BACKGROUND_HEADER = 'x-ems-background';

/** Finds the caller's session and enrolled-device state; never refuses anything itself. */
export const sessionMiddleware =
  (sessions: SessionStore, names: CookieNames, deviceToken: string): MiddlewareHandler<GatewayEnv> =>
  async (c, next) => {
    const id = getCookie(c, names.session);
    const background = c.req.header(BACKGROUND_HEADER) === '1' || c.req.path === '/events';
    c.set('session', id === undefined ? undefined : sessions.get(id, !background));
    c.set('enrolled', isEnrolled(getCookie(c, names.device), deviceToken));
    await next();
  };
