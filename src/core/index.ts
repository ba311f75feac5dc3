export { ok, err, type Result } from './result.js';
export { systemClock, ManualClock, type Clock } from './clock.js';
