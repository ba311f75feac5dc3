import type { FC } from 'hono/jsx';
import type { Locale, MessageKey, Translate } from '../i18n/index.js';
import { Layout } from './layout.js';

export const LOGIN_ERRORS = ['login-failed', 'locked', 'invalid-input', 'device', 'idle', 'csrf'] as const;
export type LoginError = (typeof LOGIN_ERRORS)[number];

export interface LoginPageProps {
  readonly locale: Locale;
  readonly t: Translate;
  readonly csrf: string;
  readonly enrolled: boolean;
  readonly error: LoginError | undefined;
}

/** User id + password + a 6-digit TOTP code; on a browser not yet enrolled, the device code too. */
export const LoginPage: FC<LoginPageProps> = ({ locale, t, csrf, enrolled, error }) => (
  <Layout title={t('login.title')} locale={locale} t={t}>
    <form method="post" action="/login" class="login" autocomplete="off">
      {error === undefined ? null : (
        <p class="error" role="alert">
          {t(`login.error.${error}` as MessageKey)}
        </p>
      )}
      <input type="hidden" name="_csrf" value={csrf} />
      <label for="userId">{t('login.userId')}</label>
      <input id="userId" name="userId" autocapitalize="none" required />
      <label for="password">{t('login.password')}</label>
      <input id="password" name="password" type="password" required />
      <label for="otp">{t('login.otp')}</label>
      <input id="otp" name="otp" inputmode="numeric" pattern="[0-9]{6}" maxlength={6} required />
      {enrolled ? null : (
        <>
          <p>{t('login.deviceHint')}</p>
          <label for="deviceToken">{t('login.deviceToken')}</label>
          <input id="deviceToken" name="deviceToken" required />
        </>
      )}
      <p>
        <button type="submit">{t('login.submit')}</button>
      </p>
    </form>
  </Layout>
);
