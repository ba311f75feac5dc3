export {
  AmbulanceConfig,
  HospitalConfig,
  DispatchConfig,
  RoleConfig,
  PrincipalId,
  isLoopback,
  type RoleName,
} from './schema.js';
export {
  loadConfig,
  validateConfig,
  applyEnvOverrides,
  environmentProblems,
  DEVICE_TOKEN_MIN_LENGTH,
  type ConfigProblem,
} from './load.js';
