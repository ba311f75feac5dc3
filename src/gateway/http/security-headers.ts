import type { MiddlewareHandler } from 'hono';

/**
 * Screens show patient data: nothing may be cached, framed, or load code from elsewhere. The only
 * script is our own file, the only style our own sheet (/assets/ui.css): no page carries a `<style>`
 * or a `style=` attribute, so `style-src 'self'` without `'unsafe-inline'` (CSP Level 3).
 */
export const securityHeaders =
  (secure: boolean): MiddlewareHandler =>
  async (c, next) => {
    await next();
    // Under HTTPS, the browser must never try plain HTTP again for this host (RFC 6797): a network
    // attacker could otherwise strip TLS on the first request. A year, the common preload minimum.
    if (secure) c.header('Strict-Transport-Security', 'max-age=31536000');
    c.header('Cache-Control', 'no-store');
    c.header('X-Content-Type-Options', 'nosniff');
    // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on our own form posts.
    c.header('Referrer-Policy', 'same-origin');
    c.header('X-Frame-Options', 'DENY');
    c.header(
      'Content-Security-Policy',
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
  };
