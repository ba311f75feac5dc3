import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const ARTIFACTS = `${ROOT}test-artifacts/`;
/** The suite's log capture file; EMS_TEST_LOG_CAPTURE moves it (the capture check's own test does). */
export const logCaptureFile = (): string =>
  process.env['EMS_TEST_LOG_CAPTURE'] ?? `${ARTIFACTS}log-capture.jsonl`;
export const CLI = `${ROOT}dist/src/cli/main.js`;
