export { Readiness, type ReadinessCheck, type CheckState } from './readiness.js';
export { healthRoutes } from './health.js';
export { startServer, type HttpSettings, type RunningServer } from './server.js';
