import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { logCaptureFile, ROOT } from './paths.js';
import { scanFile } from './phi-scan.js';

/**
 * Every process the suite starts (test workers and the children they spawn) appends its log lines to
 * LOG_CAPTURE_FILE (EMS_LOG_CAPTURE, set in vitest.config.ts). After the last test the file is
 * searched for every synthetic holder's identifying strings; a single hit fails the run.
 */
export const setup = (): void => {
  const LOG_CAPTURE_FILE = logCaptureFile();
  mkdirSync(dirname(LOG_CAPTURE_FILE), { recursive: true });
  writeFileSync(LOG_CAPTURE_FILE, '');
  // Tests of the CLI, the demo and child processes run the compiled program, as users do.
  execFileSync(
    process.execPath,
    [`${ROOT}node_modules/typescript/bin/tsc`, '-p', `${ROOT}tsconfig.build.json`],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  // tsc writes files 0644; the package's bin must be executable for `npx ems-gateway` (as npm install
  // makes it for a user), or the shell answers "Permission denied".
  chmodSync(`${ROOT}dist/src/cli/main.js`, 0o755);
};

export const teardown = (): void => {
  const LOG_CAPTURE_FILE = logCaptureFile();
  const findings = scanFile(LOG_CAPTURE_FILE);
  const lines = existsSync(LOG_CAPTURE_FILE)
    ? readFileSync(LOG_CAPTURE_FILE, 'utf8').split('\n').length - 1
    : 0;
  if (findings.length > 0) {
    const where = findings
      .slice(0, 10)
      .map((f) => `line ${f.line} (${f.holder})`)
      .join(', ');
    process.exitCode = 1;
    process.stderr.write(
      `log capture: patient data found in ${findings.length} of ${lines} captured log lines: ${where}. See ${LOG_CAPTURE_FILE}\n`,
    );
    return;
  }
  process.stdout.write(`log capture: ${lines} log lines scanned, no patient data found\n`);
};
