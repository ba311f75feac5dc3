import type { FC } from 'hono/jsx';
import type { AuditEntry, AuditProblem } from '../audit/index.js';
import type { UserRole } from '../auth/index.js';
import type { Locale, MessageKey, Translate } from '../i18n/index.js';
import { Banner, ButtonLink, SummaryList, Tag } from './components/index.js';
import { Empty, Layout, Panel } from './layout.js';
import { Time, type ScreenUser } from './screens.js';

/**
 * The admin screen's live panels; the live script refetches them from ADMIN_PANEL_BASE (admins only).
 * The verification is not one of them: it shows what the admin asked for, when they asked (a live
 * refresh used to replace the result with the bare button as soon as the page's stream connected).
 */
export const ADMIN_PANELS = ['users', 'audit'] as const;
export type AdminPanelId = (typeof ADMIN_PANELS)[number];
export const ADMIN_PANEL_BASE = '/admin/panels/';
export const AUDIT_SHOWN = 20;

/** The result of verifying the audit log (hash chain and signed checkpoints), as the admin asked it. */
export type AuditVerification =
  | {
      readonly intact: true;
      readonly entries: number;
      readonly checkpoints: number;
      readonly unanchored: number;
      readonly at: number;
    }
  | { readonly intact: false; readonly problem: AuditProblem; readonly at: number };

export interface AdminData {
  readonly now: number;
  readonly users: readonly { readonly id: string; readonly role: UserRole }[];
  readonly entries: readonly AuditEntry[];
  /** Whether the chain verifies right now (a quick check at every render). */
  readonly chainIntact: boolean;
  /** The last verification the admin asked for with the button, if any in this view. */
  readonly verification: AuditVerification | undefined;
}

/** A code of the audit vocabulary in words; a code this screen does not know yet is shown as is. */
const word = (t: Translate, prefix: string, code: string, known: readonly string[]): string =>
  known.includes(code) ? t(`${prefix}.${code}` as MessageKey) : code;

const ACTIONS = [
  'read',
  'create',
  'update',
  'delete',
  'export',
  'search',
  'login',
  'login-failed',
  'logout',
  'unlock',
  'unlock-failed',
  'kiosk-on',
  'kiosk-off',
] as const;
const PURPOSES = ['consent', 'emergency-exception', 'refused'] as const;
const REASONS = [
  'unconscious',
  'altered-mental-status',
  'severe-distress',
  'language-barrier',
  'handover',
  'no-card',
  'discarded',
  'pre-arrival-triage',
  'lookup-four-items',
  'lookup-insurer-number',
] as const;
const SUBJECTS = ['card-session', 'patient-session', 'report'] as const;
const ROLES = ['crew', 'triage', 'dispatcher', 'admin'] as const;

/** Who may log in here: each user id with its role in words (no secrets). */
export const UsersPanel: FC<{ readonly t: Translate; readonly data: AdminData }> = ({ t, data }) =>
  data.users.length === 0 ? (
    <Empty text={t('empty.users')} />
  ) : (
    <SummaryList
      rows={data.users.map((u) => ({ key: u.id, value: word(t, 'role', u.role, ROLES), id: u.id }))}
    />
  );

export const AuditPanel: FC<{ readonly t: Translate; readonly locale: Locale; readonly data: AdminData }> = ({
  t,
  locale,
  data,
}) => (
  <>
    {data.chainIntact ? (
      <p>
        <Tag tone="success" state="chain-intact">
          {t('audit.chainOk')}
        </Tag>
      </p>
    ) : (
      <Banner tone="critical" title={t('audit.chainBroken')} locale={locale} kind="chain-broken" />
    )}
    {data.entries.length === 0 ? (
      <Empty text={t('empty.audit')} />
    ) : (
      <div class="table-scroll" role="region" aria-label={t('panel.audit')} tabindex={0}>
        <table data-audit>
          <thead>
            <tr>
              <th scope="col">{t('audit.seq')}</th>
              <th scope="col">{t('audit.at')}</th>
              <th scope="col">{t('audit.user')}</th>
              <th scope="col">{t('audit.action')}</th>
              <th scope="col">{t('audit.subject')}</th>
              <th scope="col">{t('audit.purpose')}</th>
              <th scope="col">{t('audit.reason')}</th>
              <th scope="col">{t('audit.outcome')}</th>
            </tr>
          </thead>
          <tbody>
            {data.entries.map((e) => (
              <tr data-seq={e.seq}>
                <td>{e.seq}</td>
                <td>
                  <Time at={e.at} now={data.now} t={t} />
                </td>
                <td>{e.userId ?? '—'}</td>
                <td data-action={e.action}>{word(t, 'audit.actions', e.action, ACTIONS)}</td>
                <td>
                  {e.subject === null
                    ? '—'
                    : `${word(t, 'audit.subjects', e.subject.kind, SUBJECTS)} ${e.subject.id}`}
                </td>
                <td data-purpose={e.purpose ?? ''}>
                  {e.purpose === null ? '—' : word(t, 'audit.purposes', e.purpose, PURPOSES)}
                </td>
                <td data-reason={e.reason ?? ''}>
                  {e.reason === null ? '—' : word(t, 'audit.reasons', e.reason, REASONS)}
                </td>
                <td data-outcome={e.outcome}>
                  <Tag tone={e.outcome === 'success' ? 'success' : 'danger'}>
                    {t(`audit.outcomes.${e.outcome}`)}
                  </Tag>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    )}
  </>
);

/**
 * The verify button (a link: verifying reads, it changes nothing) and, once pressed, what the
 * verification found (hash chain and checkpoints) as a banner: `data-banner` is `audit-intact` or
 * `audit-<problem>`.
 */
export const VerifyPanel: FC<{
  readonly t: Translate;
  readonly locale: Locale;
  readonly data: AdminData;
}> = ({ t, locale, data }) => {
  const v = data.verification;
  return (
    <>
      <p class="meta">{t('audit.verifyHint')}</p>
      <ButtonLink href="/admin/verify" variant="primary" action="verify-audit">
        {t('audit.verify')}
      </ButtonLink>
      {v === undefined ? null : v.intact ? (
        <Banner
          tone="success"
          locale={locale}
          kind="audit-intact"
          alert
          title={t('audit.verifiedOk', {
            entries: v.entries,
            checkpoints: v.checkpoints,
            unanchored: v.unanchored,
          })}
        >
          <p>
            <Time at={v.at} now={data.now} t={t} />
          </p>
        </Banner>
      ) : (
        <Banner
          tone="critical"
          locale={locale}
          kind={`audit-${v.problem.kind}`}
          alert
          title={t('audit.verifiedBroken', { seq: v.problem.seq })}
        >
          <p>
            {t(`audit.problems.${v.problem.kind}`)} (<Time at={v.at} now={data.now} t={t} />)
          </p>
        </Banner>
      )}
    </>
  );
};

export const AdminPanelBody: FC<{
  readonly id: AdminPanelId;
  readonly t: Translate;
  readonly locale: Locale;
  readonly data: AdminData;
}> = ({ id, t, locale, data }) => {
  switch (id) {
    case 'users':
      return <UsersPanel t={t} data={data} />;
    case 'audit':
      return <AuditPanel t={t} locale={locale} data={data} />;
    default:
      return id satisfies never;
  }
};

/** What an admin sees: the audit log's verification, who may log in here, the latest audit entries. */
export const AdminScreen: FC<{
  readonly locale: Locale;
  readonly t: Translate;
  readonly user: ScreenUser;
  readonly data: AdminData;
}> = ({ locale, t, user, data }) => (
  <Layout title={t('title.admin')} locale={locale} t={t} user={user}>
    <main class="screen" data-screen="admin" data-panel-base={ADMIN_PANEL_BASE}>
      <Panel id="verify" title={t('panel.verify')} live={false}>
        <VerifyPanel t={t} locale={locale} data={data} />
      </Panel>
      {ADMIN_PANELS.map((id) => (
        <Panel id={id} title={t(`panel.${id}`)}>
          <AdminPanelBody id={id} t={t} locale={locale} data={data} />
        </Panel>
      ))}
    </main>
  </Layout>
);
