import { defineConfig } from 'vitest/config';
import { logCaptureFile } from './test/support/paths.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    env: { EMS_LOG_CAPTURE: logCaptureFile() },
    exclude: ['**/node_modules/**', 'test/fixtures/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
