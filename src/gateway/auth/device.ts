import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok, type Result } from '../../core/index.js';

const MIN_TOKEN_LENGTH = 16;

/**
 * The instance's device token: from the configured environment variable, else generated once into
 * dataDir/device-token (0600). It enrols a browser (the tablet) once; see docs/api.md.
 */
export const loadDeviceToken = async (
  dataDir: string,
  env: Readonly<Record<string, string | undefined>>,
  envName: string | undefined,
): Promise<Result<string, string>> => {
  if (envName !== undefined) {
    const value = env[envName];
    if (value === undefined || value.length < MIN_TOKEN_LENGTH)
      return err(`auth.deviceTokenEnv: ${envName} must hold at least ${MIN_TOKEN_LENGTH} characters`);
    return ok(value);
  }
  const file = join(dataDir, 'device-token');
  try {
    return ok((await readFile(file, 'utf8')).trim());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const generated = randomBytes(12).toString('base64url');
  await writeFile(file, `${generated}\n`, { mode: 0o600, flag: 'wx' });
  return ok(generated);
};

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The enrolled-device cookie's value: a MAC of the token, so the token itself never sits in a cookie. */
export const deviceCookieValue = (token: string): string =>
  createHmac('sha256', token).update('ems-gateway device enrolment v1').digest('base64url');

export const isEnrolled = (cookie: string | undefined, token: string): boolean =>
  cookie !== undefined && same(cookie, deviceCookieValue(token));

export const isDeviceToken = (given: string, token: string): boolean => same(given.trim(), token);
