import type { Child, FC } from 'hono/jsx';
import type { Locale, Translate } from '../i18n/index.js';

/**
 * Calm, high-contrast and large: a 10-inch tablet used with gloves in a moving ambulance. Touch targets
 * are at least 48 px (WCAG 2.5.5 asks 44), text at least 20 px, colour never the only signal.
 */
const STYLE = `
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,"Hiragino Sans","Noto Sans JP",sans-serif;font-size:20px;line-height:1.5;background:#f4f5f2;color:#111}
header{display:flex;align-items:center;gap:1rem;padding:.5rem 1rem;background:#1d2b36;color:#fff;min-height:64px}
header h1{font-size:1.4rem;margin:0;flex:1}
header a,header button{color:#fff}
main{padding:1rem;display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(320px,1fr))}
section{background:#fff;border:2px solid #c9ccc4;border-radius:12px;padding:1rem;min-height:8rem}
section h2{font-size:1.2rem;margin:0 0 .5rem}
.empty{color:#454a4f;font-size:1.15rem;border:2px dashed #9aa0a6;border-radius:8px;padding:1rem;text-align:center}
button,.button,input,select{font-size:1.2rem;min-height:48px;min-width:48px;border-radius:8px}
button,.button{padding:.5rem 1.25rem;border:2px solid #1d2b36;background:#1d2b36;color:#fff;cursor:pointer}
header button{background:transparent;border-color:#fff}
input{padding:.5rem;border:2px solid #454a4f;width:100%}
label{display:block;margin:.75rem 0 .25rem;font-weight:600}
.live{font-size:1rem;padding:.25rem .75rem;border-radius:999px;border:2px solid #fff}
.live[data-state=down]{background:#8a1c1c}
.error{background:#fde8e8;border:2px solid #8a1c1c;color:#5c0f0f;padding:.75rem;border-radius:8px}
.login{max-width:30rem;margin:2rem auto;display:block}
table{border-collapse:collapse;width:100%}td,th{padding:.4rem;text-align:left;border-bottom:1px solid #ddd}
`;

/**
 * A `<style>` element with our own CSS as written. JSX escapes text children, and inside `<style>` (a
 * raw-text element, HTML §13.1.2.1) escapes are not decoded, so `"Hiragino Sans"` became
 * `&quot;Hiragino Sans&quot;` and the browser dropped the whole rule. Only constant CSS of ours comes
 * here; it may not contain `<`, so it can never close the element (`</style>`) and open markup.
 */
export const Style: FC<{ readonly css: string }> = ({ css }) => {
  if (css.includes('<')) throw new Error('a style sheet may not contain "<"');
  return <style dangerouslySetInnerHTML={{ __html: css }} />;
};

export interface LayoutProps {
  readonly title: string;
  readonly locale: Locale;
  readonly t: Translate;
  /** Present when logged in: who, the log-off form and the live-update connection. */
  readonly user?: { readonly id: string; readonly csrf: string; readonly idleMs: number } | undefined;
  readonly children?: Child;
}

export const Layout: FC<LayoutProps> = ({ title, locale, t, user, children }) => (
  <html lang={locale}>
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{`${title} · ${t('app.name')}`}</title>
      <Style css={STYLE} />
      {user === undefined ? null : <script src="/assets/live.js" defer></script>}
    </head>
    <body data-idle-ms={user === undefined ? undefined : String(user.idleMs)}>
      <header>
        <h1>{title}</h1>
        {user === undefined ? null : (
          <span
            class="live"
            data-live
            data-state="down"
            data-up={t('live.connected')}
            data-down={t('live.reconnecting')}
          >
            {t('live.reconnecting')}
          </span>
        )}
        <a href={`?lang=${locale === 'ja' ? 'en' : 'ja'}`} class="button">
          {t('lang.switch')}
        </a>
        {user === undefined ? null : (
          <form method="post" action="/logout">
            <input type="hidden" name="_csrf" value={user.csrf} />
            <span>
              {t('session.user')}: {user.id}{' '}
            </span>
            <button type="submit">{t('logout.submit')}</button>
          </form>
        )}
      </header>
      {children}
    </body>
  </html>
);

/** A panel others fill in; until they do, it says plainly what is (not) there. */
export const Panel: FC<{ readonly id: string; readonly title: string; readonly children?: Child }> = ({
  id,
  title,
  children,
}) => (
  <section data-panel={id} aria-live="polite">
    <h2>{title}</h2>
    <div data-panel-body>{children}</div>
  </section>
);

export const Empty: FC<{ readonly text: string }> = ({ text }) => <p class="empty">{text}</p>;
