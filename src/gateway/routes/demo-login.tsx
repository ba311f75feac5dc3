import * as v from 'valibot';
import { ScreenPin, type DemoLinks } from '../auth/index.js';
import type { RouteRegistry } from '../http/routes.js';
import { translator } from '../i18n/index.js';
import type { GatewayParts } from '../parts.js';
import { DemoLoginPage } from '../ui/login-page.js';
import { freshFormToken, instanceOf, openSession } from './auth.js';

const Token = v.pipe(v.string(), v.regex(/^[\w-]{32}$/));
const DemoParams = v.object({ token: Token });
const DemoForm = v.object({
  _csrf: v.string(),
  token: Token,
  pin: v.optional(v.pipe(v.string(), v.maxLength(200)), ''),
});

/**
 * Demo only (registered when `openGateway` gets `demoLinks`, which only the demo passes): the
 * one-time log-in links the demo prints. GET shows the page (link previews spend nothing); the POST,
 * with the login form's double-submitted token, spends the link and opens the session.
 */
export const demoLoginRoutes = (routes: RouteRegistry, parts: GatewayParts, links: DemoLinks): void => {
  routes.add({
    method: 'get',
    path: '/login/demo/:token',
    summary: 'Demo only: a one-time log-in link printed by `ems-gateway demo` (shows whom it logs in)',
    access: { kind: 'public' },
    params: DemoParams,
    response: { kind: 'html' },
    handler: (c, { params }) => {
      const locale = c.get('locale');
      return c.html(
        <DemoLoginPage
          locale={locale}
          t={translator(locale)}
          csrf={freshFormToken(c, parts)}
          instance={instanceOf(parts)}
          token={params.token}
          userId={links.peek(params.token, parts.clock.now())}
          pinError={false}
        />,
      );
    },
  });
  routes.add({
    method: 'post',
    path: '/login/demo',
    summary: 'Demo only: spend a one-time log-in link and open a session (optional screen-lock PIN)',
    access: { kind: 'public' },
    body: { kind: 'form', schema: DemoForm },
    redirectOnInvalid: '/login',
    response: { kind: 'redirect' },
    handler: async (c, { body }) => {
      const now = parts.clock.now();
      const pin = body.pin === '' ? undefined : body.pin;
      const locale = c.get('locale');
      // A PIN of the wrong shape spends nothing: the same page again, naming the field.
      if (pin !== undefined && !v.is(ScreenPin, pin))
        return c.html(
          <DemoLoginPage
            locale={locale}
            t={translator(locale)}
            csrf={freshFormToken(c, parts)}
            instance={instanceOf(parts)}
            token={body.token}
            userId={links.peek(body.token, now)}
            pinError
          />,
          400,
        );
      const userId = links.consume(body.token, now);
      const user = userId === undefined ? undefined : parts.users.get(userId);
      if (user === undefined || !parts.admitted.includes(user.role))
        return c.redirect('/login?error=demo-link', 303);
      await openSession(c, parts, user, pin);
      return c.redirect('/', 303);
    },
  });
};
