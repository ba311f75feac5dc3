import type { RoleConfig } from '../config/index.js';
import { StatusPage } from '../gateway/pages/status-page.js';
import { mountFeed } from './feed.js';
import { startRole, type RoleContext, type RoleOptions, type RunningRole } from './runtime.js';

const TITLES: Readonly<Record<RoleConfig['role'], string>> = {
  ambulance: '救急隊タブレット · Ambulance tablet',
  hospital: '救急外来 トリアージボード · Triage board',
  dispatch: '指令センター · Dispatch',
};

const landingPage = (config: RoleConfig, ctx: RoleContext): void => {
  ctx.app.get('/', (c) =>
    c.html(
      <StatusPage
        title={TITLES[config.role]}
        role={config.role}
        principal={config.id}
        checks={ctx.readiness.report().checks}
      />,
    ),
  );
};

/** Starts one role from a validated configuration. */
export const startConfiguredRole = (config: RoleConfig, options: RoleOptions): Promise<RunningRole> =>
  startRole(config, options, async (ctx) => {
    switch (config.role) {
      case 'ambulance':
      case 'hospital':
      case 'dispatch':
        landingPage(config, ctx);
        await mountFeed(config, ctx, options.codec);
        return;
      default:
        return config satisfies never;
    }
  });

export type { RunningRole, RoleOptions } from './runtime.js';
