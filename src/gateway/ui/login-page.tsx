import type { Child, FC } from 'hono/jsx';
import type { RoleName } from '../../config/index.js';
import type { Locale, MessageKey, Translate } from '../i18n/index.js';
import {
  Banner,
  Button,
  ButtonGroup,
  Field,
  Form,
  SummaryList,
  type ErrorItem,
  type LabelledField,
} from './components/index.js';
import type { FieldErrorCode, FormState } from './form-state.js';
import { Layout } from './layout.js';

export const LOGIN_ERRORS = [
  'login-failed',
  'locked',
  'invalid-input',
  'device',
  'idle',
  'csrf',
  'ended',
  'demo-link',
] as const;
export type LoginError = (typeof LOGIN_ERRORS)[number];

/** The fields of the log-in form, in the order they appear (the error summary links to them). */
export const LOGIN_FIELDS = ['userId', 'password', 'otp', 'deviceToken', 'pin'] as const;
export type LoginField = (typeof LOGIN_FIELDS)[number];
export type LoginFieldErrors = Readonly<Partial<Record<LoginField, FieldErrorCode>>>;

/**
 * Why the log-in page is shown again. A refused attempt is a problem with the form (the error summary,
 * linking to the field to start again from); being logged off is news about the session (a banner).
 */
const PROBLEM_AT: Readonly<Partial<Record<LoginError, LoginField>>> = {
  'login-failed': 'password',
  locked: 'userId',
  device: 'deviceToken',
  csrf: 'userId',
};
const NOTICE_TONE: Readonly<Partial<Record<LoginError, 'info' | 'warning'>>> = {
  idle: 'info',
  ended: 'warning',
  'demo-link': 'warning',
};

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

/**
 * The frame of the pages before a session (log-in, unlock, demo link): one column of readable width,
 * the instance named first. `error` is a stable hook for tests (`data-error`), never shown.
 */
export const SignInScreen: FC<{
  readonly screen: 'login' | 'unlock' | 'demo-login';
  readonly instance: InstanceName;
  readonly t: Translate;
  readonly error?: string | undefined;
  readonly children?: Child;
}> = ({ screen, instance, t, error, children }) => (
  <main class="screen sign-in" data-screen={screen} data-error={error}>
    <section class="panel">
      <InstanceLine instance={instance} t={t} />
      {children}
    </section>
  </main>
);

/** The screen-lock PIN as every form asks it: masked, numeric keypad, its format in the hint. */
const pinLabel = (t: Translate, label: MessageKey): LabelledField => ({
  label: t(label),
  numeric: true,
  hint: t('login.pinFormat'),
});

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
  readonly invalid?: LoginFieldErrors;
}

/**
 * User id + password + a 6-digit TOTP code; on a browser not yet enrolled, the device code too; an
 * optional screen-lock PIN for the shift. After a failed attempt the user id and the device code stay
 * (only the secrets are cleared); the error summary on top names each field that was wrong, and the
 * field says it again, in the page's language.
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
  invalid = {},
}) => {
  const labels: Partial<Record<LoginField, LabelledField>> = {
    userId: { label: t('login.userId'), hint: t('login.userIdHint') },
    password: { label: t('login.password') },
    otp: { label: t('login.otp'), numeric: true, hint: t('login.otpHint') },
    ...(enrolled ? {} : { deviceToken: { label: t('login.deviceToken'), hint: t('login.deviceHint') } }),
    ...(screenLock ? { pin: pinLabel(t, 'login.pin') } : {}),
  };
  const state: FormState = {
    values: { ...kept },
    errors: Object.fromEntries(Object.entries(invalid).filter(([f]) => f in labels)),
  };
  const at = error === undefined ? undefined : PROBLEM_AT[error];
  const problems: ErrorItem[] =
    error === undefined || at === undefined || !(at in labels)
      ? []
      : [{ href: `#${at}`, text: t(`login.error.${error}`) }];
  const tone = error === undefined ? undefined : NOTICE_TONE[error];
  const field = (name: LoginField) => {
    const label = labels[name];
    return label === undefined ? null : (
      <>
        {name === 'pin' ? (
          <Banner tone="info" title={t('login.pinHint')} locale={locale} kind="screen-lock" />
        ) : null}
        <Field
          name={name}
          label={label.label}
          hint={label.hint}
          kind={
            name === 'password' ? 'password' : name === 'pin' ? 'pin' : name === 'otp' ? 'number' : 'text'
          }
          state={state}
          locale={locale}
          {...(name === 'otp' ? { maxLength: 6 } : name === 'pin' ? { maxLength: 8 } : {})}
        />
      </>
    );
  };
  return (
    <Layout title={t('login.title')} locale={locale} t={t}>
      <SignInScreen screen="login" instance={instance} t={t} error={error}>
        {error === undefined || tone === undefined ? null : (
          <Banner tone={tone} title={t(`login.error.${error}`)} locale={locale} kind={error} alert />
        )}
        <Form
          action="/login"
          csrf={csrf}
          id="login"
          locale={locale}
          state={state}
          fields={labels}
          problems={problems}
        >
          {LOGIN_FIELDS.map(field)}
          <ButtonGroup>
            <Button action="login">{t('login.submit')}</Button>
          </ButtonGroup>
        </Form>
      </SignInScreen>
    </Layout>
  );
};

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
}) => {
  const pin = pinLabel(t, 'unlock.pin');
  const tries = t('unlock.triesLeft', { n: triesLeft });
  const state: FormState = { values: {}, errors: error === 'invalid-input' ? { pin: 'format' } : {} };
  // A wrong PIN is in the summary and at the field, with the tries left (GOV.UK error pattern).
  const wrong = error === 'wrong-pin' ? `${t('unlock.wrongPin')} ${tries}` : undefined;
  return (
    <Layout title={t('unlock.title')} locale={locale} t={t}>
      <SignInScreen screen="unlock" instance={instance} t={t} error={error}>
        <p data-locked-user={userId}>{t(kiosk ? 'unlock.kioskIntro' : 'unlock.intro', { user: userId })}</p>
        <SummaryList
          rows={[
            { key: t('session.user'), value: userId, id: 'user' },
            { key: t('unlock.tries'), value: tries, id: 'tries' },
          ]}
        />
        <Form
          action="/unlock"
          csrf={csrf}
          id="unlock"
          locale={locale}
          state={state}
          fields={{ pin }}
          problems={wrong === undefined ? [] : [{ href: '#pin', text: wrong }]}
        >
          <Field
            name="pin"
            kind="pin"
            label={pin.label}
            hint={pin.hint}
            maxLength={8}
            locale={locale}
            state={state}
            problem={wrong}
          />
          <ButtonGroup>
            <Button name="action" value="unlock" action="unlock">
              {t('unlock.submit')}
            </Button>
            <Button variant="secondary" name="action" value="logout" action="logout">
              {t('unlock.logout')}
            </Button>
          </ButtonGroup>
        </Form>
      </SignInScreen>
    </Layout>
  );
};

export interface DemoLoginPageProps {
  readonly locale: Locale;
  readonly t: Translate;
  readonly csrf: string;
  readonly instance: InstanceName;
  readonly token: string;
  /** Whom the link logs in; undefined when it was spent or has expired. */
  readonly userId: string | undefined;
  readonly pinError: boolean;
}

/** The demo link's page: who it logs in, an optional screen-lock PIN, one button (a POST spends it). */
export const DemoLoginPage: FC<DemoLoginPageProps> = ({
  locale,
  t,
  csrf,
  instance,
  token,
  userId,
  pinError,
}) => {
  const pin = pinLabel(t, 'login.pin');
  return (
    <Layout title={t('demoLogin.title')} locale={locale} t={t}>
      <SignInScreen
        screen="demo-login"
        instance={instance}
        t={t}
        error={userId === undefined ? 'demo-link' : undefined}
      >
        {userId === undefined ? (
          <Banner tone="warning" title={t('demoLogin.spent')} locale={locale} kind="demo-link" alert>
            <p>
              <a href="/login">{t('login.title')}</a>
            </p>
          </Banner>
        ) : (
          <Form
            action="/login/demo"
            csrf={csrf}
            id="demo-login"
            locale={locale}
            state={{ values: {}, errors: pinError ? { pin: 'format' } : {} }}
            fields={{ pin }}
            hidden={{ token }}
          >
            <p data-demo-user={userId}>{t('demoLogin.intro', { user: userId })}</p>
            <Banner tone="info" title={t('login.pinHint')} locale={locale} kind="screen-lock" />
            <Field name="pin" kind="pin" label={pin.label} hint={pin.hint} maxLength={8} locale={locale} />
            <ButtonGroup>
              <Button action="demo-login">{t('demoLogin.submit', { user: userId })}</Button>
            </ButtonGroup>
          </Form>
        )}
      </SignInScreen>
    </Layout>
  );
};
