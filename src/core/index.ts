export { ok, err, type Result } from './result.js';
export { systemClock, ManualClock, type Clock } from './clock.js';
export {
  privateDir,
  privateFile,
  privateSqliteFile,
  PRIVATE_DIR_MODE,
  PRIVATE_FILE_MODE,
} from './private-files.js';
