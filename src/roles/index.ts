import type { RoleConfig } from '../config/index.js';
import { startRole, type RoleOptions, type RolePart, type RunningRole } from './runtime.js';

/**
 * The role's own parts, imported only for that role: a hospital process never loads the tablet's
 * screens or its image library (sharp), nor the ambulance the triage board (issue 16: a role process
 * idle ≤ 80 MB; docs/decisions.md, "One role's code per process").
 */
const partFor = async (config: RoleConfig, options: RoleOptions): Promise<RolePart> => {
  switch (config.role) {
    case 'ambulance':
      return (await import('./mount-ambulance.js')).ambulancePart(config, options);
    case 'hospital':
      return (await import('./mount-hospital.js')).hospitalPart(config);
    case 'dispatch': {
      const { mountDispatch } = await import('./dispatch/index.js');
      return {
        mount: async (ctx) => {
          await mountDispatch(config, ctx);
        },
      };
    }
    default:
      return config satisfies never;
  }
};

/**
 * Starts one role from a validated configuration. The gateway already serves the role's screen at `/`
 * with labelled empty panels; each part fills its panels through `ctx.gateway.panels` as it lands.
 */
export const startConfiguredRole = async (config: RoleConfig, options: RoleOptions): Promise<RunningRole> =>
  startRole(config, options, await partFor(config, options));

export type { RunningRole, RoleOptions } from './runtime.js';
