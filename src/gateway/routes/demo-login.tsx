import type { FC } from 'hono/jsx';
import * as v from 'valibot';
import { ScreenPin, type DemoLinks } from '../auth/index.js';
import type { RouteRegistry } from '../http/routes.js';
import { translator, type Locale, type Translate } from '../i18n/index.js';
import type { GatewayParts } from '../parts.js';
import { Layout } from '../ui/layout.js';
import { InstanceLine, type InstanceName } from '../ui/login-page.js';
import { freshFormToken, instanceOf, openSession } from './auth.js';

const Token = v.pipe(v.string(), v.regex(/^[\w-]{32}$/));
const DemoParams = v.object({ token: Token });
const DemoForm = v.object({
  _csrf: v.string(),
  token: Token,
  pin: v.optional(v.pipe(v.string(), v.maxLength(200)), ''),
});

/** The demo link's page: who it logs in, an optional screen-lock PIN, one button (a POST spends it). */
const DemoLoginPage: FC<{
  readonly locale: Locale;
  readonly t: Translate;
  readonly csrf: string;
  readonly instance: InstanceName;
  readonly token: string;
  readonly userId: string | undefined;
  readonly pinError: boolean;
}> = ({ locale, t, csrf, instance, token, userId, pinError }) => (
  <Layout title={t('demoLogin.title')} locale={locale} t={t}>
    <main class="screen">
      <form method="post" action="/login/demo" class="login" autocomplete="off" data-form="demo-login">
        <InstanceLine instance={instance} t={t} />
        {userId === undefined ? (
          <div class="error" role="alert" data-error="demo-link">
            <p>{t('demoLogin.spent')}</p>
            <p>
              <a href="/login">{t('login.title')}</a>
            </p>
          </div>
        ) : (
          <>
            <p class="hint" data-demo-user={userId}>
              {t('demoLogin.intro', { user: userId })}
            </p>
            <input type="hidden" name="_csrf" value={csrf} />
            <input type="hidden" name="token" value={token} />
            <div class={pinError ? 'field field-error' : 'field'}>
              <label for="pin">{t('login.pin')}</label>
              <p class="hint" id="pin-hint">
                {t('login.pinHint')}
              </p>
              {pinError ? (
                <p class="field-message" id="pin-error" role="alert">
                  {t('login.invalid.pin')}
                </p>
              ) : null}
              <input
                id="pin"
                name="pin"
                type="password"
                inputmode="numeric"
                maxlength={8}
                aria-describedby={pinError ? 'pin-hint pin-error' : 'pin-hint'}
                aria-invalid={pinError ? 'true' : undefined}
              />
            </div>
            <p>
              <button type="submit" data-action="demo-login">
                {t('demoLogin.submit', { user: userId })}
              </button>
            </p>
          </>
        )}
      </form>
    </main>
  </Layout>
);

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
    handler: (c, { body }) => {
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
      openSession(c, parts, user, pin);
      return c.redirect('/', 303);
    },
  });
};
