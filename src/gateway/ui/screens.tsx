import type { FC } from 'hono/jsx';
import { formatJst, relativeAge, type Locale, type Translate } from '../i18n/index.js';
import { Empty, Layout, Panel } from './layout.js';
import { panelEmpty, panelTitle, SCREEN_PANELS, type PanelId, type ScreenRole } from './panels.js';

export interface ScreenUser {
  readonly id: string;
  readonly csrf: string;
  readonly idleMs: number;
}

export interface PanelBody {
  readonly id: PanelId;
  readonly body: unknown;
}

export const PanelContent: FC<{ readonly id: PanelId; readonly body: unknown; readonly t: Translate }> = ({
  id,
  body,
  t,
}) => (body === undefined || body === null ? <Empty text={t(panelEmpty(id))} /> : <>{body}</>);

/** The frame of the tablet, the triage board or the dispatch screen. */
export const Screen: FC<{
  readonly role: ScreenRole;
  readonly locale: Locale;
  readonly t: Translate;
  readonly user: ScreenUser;
  readonly panels: readonly PanelBody[];
}> = ({ role, locale, t, user, panels }) => (
  <Layout title={t(`title.${role}`)} locale={locale} t={t} user={user}>
    <main class="screen" data-screen={role}>
      {SCREEN_PANELS[role].map((id) => (
        <Panel id={id} title={t(panelTitle(id))}>
          <PanelContent id={id} body={panels.find((p) => p.id === id)?.body} t={t} />
        </Panel>
      ))}
    </main>
  </Layout>
);

export const Time: FC<{ readonly at: number; readonly now: number; readonly t: Translate }> = ({
  at,
  now,
  t,
}) => (
  <time datetime={new Date(at).toISOString()}>
    {formatJst(at)} ({relativeAge(at, now, t)})
  </time>
);
