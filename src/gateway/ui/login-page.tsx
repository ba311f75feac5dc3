import type { FC } from 'hono/jsx';
import type { RoleName } from '../../config/index.js';
import type { Locale, MessageKey, Translate } from '../i18n/index.js';
import { Layout } from './layout.js';

export const LOGIN_ERRORS = [
  'login-failed',
  'locked',
  'invalid-input',
  'device',
  'idle',
  'csrf',
  'ended',
] as const;
export type LoginError = (typeof LOGIN_ERRORS)[number];

/** The fields of the log-in form, in the order they appear (the error summary links to them). */
export const LOGIN_FIELDS = ['userId', 'password', 'otp', 'deviceToken', 'pin'] as const;
export type LoginField = (typeof LOGIN_FIELDS)[number];

/** Which instance this is, as people know it: the log-in and unlock pages say where you are. */
export interface InstanceName {
  readonly role: RoleName;
  readonly id: string;
  readonly displayName: string | undefined;
}

export const InstanceLine: FC<{ readonly instance: InstanceName; readonly t: Translate }> = ({
  instance,
  t,
}) => (
  <p class="instance" data-instance={instance.id}>
    {t(`instance.${instance.role}`)}: <strong>{instance.displayName ?? instance.id}</strong>
    {instance.displayName === undefined ? null : ` (${instance.id})`}
  </p>
);

export interface LoginPageProps {
  readonly locale: Locale;
  readonly t: Translate;
  readonly csrf: string;
  readonly enrolled: boolean;
  readonly error: LoginError | undefined;
  readonly instance: InstanceName;
  /** Offer the screen-lock PIN (config auth.screenLock). */
  readonly screenLock: boolean;
  /** What the person typed, kept after a failed attempt: user id and device code, never secrets. */
  readonly kept?: { readonly userId?: string; readonly deviceToken?: string };
  /** Fields that were not in the expected shape (named in the error summary and at the field). */
  readonly invalid?: readonly LoginField[];
}

const Field: FC<{
  readonly id: LoginField;
  readonly t: Translate;
  readonly invalid: readonly LoginField[];
  readonly hint?: string;
  readonly value?: string | undefined;
  readonly type?: 'password';
  readonly numeric?: boolean;
  readonly required?: boolean;
  readonly pattern?: string;
  readonly maxlength?: number;
}> = ({ id, t, invalid, hint, value, type, numeric, required, pattern, maxlength }) => {
  const bad = invalid.includes(id);
  const described = [hint === undefined ? '' : `${id}-hint`, bad ? `${id}-error` : ''].filter(Boolean);
  return (
    <div class={bad ? 'field field-error' : 'field'}>
      <label for={id}>{t(`login.${id}`)}</label>
      {hint === undefined ? null : (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {bad ? (
        <p class="field-message" id={`${id}-error`}>
          {t(`login.invalid.${id}`)}
        </p>
      ) : null}
      <input
        id={id}
        name={id}
        type={type}
        value={value}
        autocapitalize="none"
        inputmode={numeric === true ? 'numeric' : undefined}
        pattern={pattern}
        maxlength={maxlength}
        required={required !== false}
        aria-invalid={bad ? 'true' : undefined}
        aria-describedby={described.length === 0 ? undefined : described.join(' ')}
      />
    </div>
  );
};

/**
 * User id + password + a 6-digit TOTP code; on a browser not yet enrolled, the device code too; an
 * optional screen-lock PIN for the shift. After a failed attempt the user id and the device code stay
 * (only the secrets are cleared); an error summary on top names each field that was wrong.
 */
export const LoginPage: FC<LoginPageProps> = ({
  locale,
  t,
  csrf,
  enrolled,
  error,
  instance,
  screenLock,
  kept = {},
  invalid = [],
}) => (
  <Layout title={t('login.title')} locale={locale} t={t}>
    <form method="post" action="/login" class="login" autocomplete="off" data-form="login">
      <InstanceLine instance={instance} t={t} />
      {error === undefined ? null : (
        <div class="error" role="alert" data-error={error}>
          <p>{t(`login.error.${error}` as MessageKey)}</p>
          {invalid.length === 0 ? null : (
            <ul>
              {invalid.map((f) => (
                <li>
                  <a href={`#${f}`}>{t(`login.invalid.${f}`)}</a>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <input type="hidden" name="_csrf" value={csrf} />
      <Field id="userId" t={t} invalid={invalid} value={kept.userId} />
      <Field id="password" t={t} invalid={invalid} type="password" />
      <Field id="otp" t={t} invalid={invalid} numeric pattern="[0-9]{6}" maxlength={6} />
      {enrolled ? null : (
        <Field
          id="deviceToken"
          t={t}
          invalid={invalid}
          hint={t('login.deviceHint')}
          value={kept.deviceToken}
        />
      )}
      {screenLock ? (
        <Field
          id="pin"
          t={t}
          invalid={invalid}
          hint={t('login.pinHint')}
          type="password"
          numeric
          pattern="[0-9]{4,8}"
          maxlength={8}
          required={false}
        />
      ) : null}
      <p>
        <button type="submit">{t('login.submit')}</button>
      </p>
    </form>
  </Layout>
);

export interface UnlockPageProps {
  readonly locale: Locale;
  readonly t: Translate;
  readonly csrf: string;
  readonly instance: InstanceName;
  readonly userId: string;
  readonly triesLeft: number;
  readonly error: 'wrong-pin' | 'invalid-input' | undefined;
  /** A kiosk display: its screen stays; unlocking is for an action. */
  readonly kiosk: boolean;
}

/** The locked screen: nothing of the patient's data, the PIN, and a way to log off instead. */
export const UnlockPage: FC<UnlockPageProps> = ({
  locale,
  t,
  csrf,
  instance,
  userId,
  triesLeft,
  error,
  kiosk,
}) => (
  <Layout title={t('unlock.title')} locale={locale} t={t}>
    <form method="post" action="/unlock" class="login" autocomplete="off" data-form="unlock">
      <InstanceLine instance={instance} t={t} />
      <p data-locked-user={userId}>{t(kiosk ? 'unlock.kioskIntro' : 'unlock.intro', { user: userId })}</p>
      {error === undefined ? null : (
        <div class="error" role="alert" data-error={error}>
          <p>{t(error === 'wrong-pin' ? 'unlock.wrongPin' : 'login.invalid.pin')}</p>
          <ul>
            <li>
              <a href="#pin">{t('unlock.triesLeft', { n: triesLeft })}</a>
            </li>
          </ul>
        </div>
      )}
      <input type="hidden" name="_csrf" value={csrf} />
      <div class={error === undefined ? 'field' : 'field field-error'}>
        <label for="pin">{t('unlock.pin')}</label>
        <p class="hint" id="pin-hint">
          {t('unlock.triesLeft', { n: triesLeft })}
        </p>
        <input
          id="pin"
          name="pin"
          type="password"
          inputmode="numeric"
          pattern="[0-9]{4,8}"
          maxlength={8}
          autofocus
          aria-describedby="pin-hint"
          aria-invalid={error === undefined ? undefined : 'true'}
        />
      </div>
      <p>
        <button type="submit" name="action" value="unlock" data-action="unlock">
          {t('unlock.submit')}
        </button>
      </p>
      <p>
        <button
          type="submit"
          name="action"
          value="logout"
          class="secondary"
          data-action="logout"
          formnovalidate
        >
          {t('unlock.logout')}
        </button>
      </p>
    </form>
  </Layout>
);
