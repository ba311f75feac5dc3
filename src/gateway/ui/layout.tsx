import type { Child, FC } from 'hono/jsx';
import type { KioskState } from '../auth/index.js';
import type { Locale, Translate } from '../i18n/index.js';

export interface LayoutProps {
  readonly title: string;
  readonly locale: Locale;
  readonly t: Translate;
  /** Present when logged in: who, the log-off form and the live-update connection. */
  readonly user?:
    | {
        readonly id: string;
        readonly csrf: string;
        readonly idleMs: number;
        /** Kiosk mode, where the role may use it (the toggle sits beside log-off). */
        readonly kiosk?: KioskState;
      }
    | undefined;
  readonly children?: Child;
}

export const Layout: FC<LayoutProps> = ({ title, locale, t, user, children }) => (
  <html lang={locale}>
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{`${title} · ${t('app.name')}`}</title>
      <link rel="stylesheet" href="/assets/ui.css" />
      {user === undefined ? null : <script src="/assets/live.js" defer></script>}
    </head>
    <body data-idle-ms={user === undefined ? undefined : String(user.idleMs)}>
      <header class="masthead">
        <h1>{title}</h1>
        {user === undefined ? null : (
          <span
            class="live"
            data-live
            data-state="down"
            data-up={t('live.connected')}
            data-down={t('live.reconnecting')}
            data-link-down={t('live.brokerDown')}
            role="status"
            data-stale={t('live.stale')}
          >
            {t('live.reconnecting')}
          </span>
        )}
        <a
          href={`?lang=${locale === 'ja' ? 'en' : 'ja'}`}
          class="button button--secondary"
          lang={locale === 'ja' ? 'en' : 'ja'}
        >
          {t('lang.switch')}
        </a>
        {user?.kiosk?.allowed === true ? (
          <form method="post" action="/kiosk" data-kiosk={user.kiosk.on ? 'on' : 'off'}>
            <input type="hidden" name="_csrf" value={user.csrf} />
            <input type="hidden" name="on" value={user.kiosk.on ? '0' : '1'} />
            {user.kiosk.on ? <span class="live">{t('kiosk.active')}</span> : null}{' '}
            <button type="submit" data-action="kiosk">
              {t(user.kiosk.on ? 'kiosk.off' : 'kiosk.on')}
            </button>
          </form>
        ) : null}
        {user === undefined ? null : (
          <form method="post" action="/logout">
            <input type="hidden" name="_csrf" value={user.csrf} />
            <span>
              {t('session.user')}: {user.id}{' '}
            </span>
            <button type="submit" class="button button--secondary">
              {t('logout.submit')}
            </button>
          </form>
        )}
      </header>
      {children}
    </body>
  </html>
);

/**
 * A panel others fill in; until they do, it says plainly what is (not) there. `live={false}`: the live
 * script never refetches it (what it shows was asked for by this page's request, e.g. a verification).
 */
export const Panel: FC<{
  readonly id: string;
  readonly title: string;
  readonly live?: boolean;
  readonly children?: Child;
}> = ({ id, title, live = true, children }) => (
  <section
    class="panel"
    id={`panel-${id}`}
    data-panel={live ? id : undefined}
    aria-live={live ? 'polite' : undefined}
  >
    <h2>{title}</h2>
    <div data-panel-body>{children}</div>
  </section>
);

export const Empty: FC<{ readonly text: string }> = ({ text }) => <p class="empty">{text}</p>;
