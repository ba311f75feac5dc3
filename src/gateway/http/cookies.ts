import type { CookieOptions } from 'hono/utils/cookie';

export interface CookieNames {
  readonly session: string;
  readonly device: string;
  /** The pre-session token the login form double-submits (login CSRF). */
  readonly login: string;
  readonly lang: string;
}

/**
 * Over HTTPS every cookie is `__Host-`: Secure, Path=/, no Domain, so a sibling host cannot plant or
 * overwrite it. Plain HTTP (loopback only, or explicitly allowed) cannot carry that prefix.
 */
export const cookieNames = (secure: boolean): CookieNames => {
  const prefix = secure ? '__Host-' : '';
  return {
    session: `${prefix}ems-session`,
    device: `${prefix}ems-device`,
    login: `${prefix}ems-login`,
    lang: `${prefix}ems-lang`,
  };
};

export const cookieOptions = (secure: boolean, maxAgeSeconds?: number): CookieOptions => ({
  httpOnly: true,
  secure,
  sameSite: 'Strict',
  path: '/',
  ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }),
});
