export {
  AmbulanceConfig,
  HospitalConfig,
  DispatchConfig,
  RoleConfig,
  PrincipalId,
  isLoopback,
  type RoleName,
} from './schema.js';
export { loadConfig, validateConfig, applyEnvOverrides, type ConfigProblem } from './load.js';
