import type { FC } from 'hono/jsx';
import type { ErrorPage as ErrorPageAnswer } from '../http/error-handler.js';
import { statusOf, type ApiErrorCode } from '../http/errors.js';
import { DEFAULT_LOCALE, translator, type Locale } from '../i18n/index.js';
import { Banner, ButtonLink } from './components/index.js';
import { Layout } from './layout.js';

/**
 * What a person gets when a page they opened or a form they sent cannot be answered (a report that
 * has ended, a form whose token expired, a role that may not do it): the reason in their language and
 * the way back, under the same status an API client gets. Issue 15: a screen never shows a wire code
 * or a JSON body. It names nothing of the request (no ids, no values): the words are fixed per code.
 */
export const ErrorPage: FC<{ readonly code: ApiErrorCode; readonly locale: Locale }> = ({ code, locale }) => {
  const t = translator(locale);
  return (
    <Layout title={t('app.name')} locale={locale} t={t}>
      <main data-error-page={code}>
        <Banner tone="critical" kind="error" title={t('error.title')} locale={locale} alert>
          <p>{t(`error.${code}`)}</p>
        </Banner>
        <p>
          <ButtonLink href="/">{t('error.back')}</ButtonLink>
        </p>
      </main>
    </Layout>
  );
};

/** The gateway's error page for a person's browser (see the error handler's `wantsPage`). */
export const errorPage: ErrorPageAnswer = (c, code) => {
  // Errors raised before the locale middleware ran (host guard, body limit) have no locale yet.
  const locale: Locale | undefined = c.get('locale');
  return c.html(<ErrorPage code={code} locale={locale ?? DEFAULT_LOCALE} />, statusOf(code));
};
