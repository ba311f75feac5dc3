import type { RoleConfig } from '../config/index.js';
import { startRole, type RoleOptions, type RunningRole } from './runtime.js';

/**
 * Starts one role from a validated configuration. The gateway already serves the role's screen at `/`
 * with labelled empty panels; each part fills its panels through `ctx.gateway.panels` as it lands.
 */
export const startConfiguredRole = (config: RoleConfig, options: RoleOptions): Promise<RunningRole> =>
  startRole(config, options, () => {
    switch (config.role) {
      case 'ambulance':
      case 'hospital':
      case 'dispatch':
        return Promise.resolve();
      default:
        return Promise.resolve(config satisfies never);
    }
  });

export type { RunningRole, RoleOptions } from './runtime.js';
