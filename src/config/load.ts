import { readFile } from 'node:fs/promises';
import * as v from 'valibot';
import { err, ok, type Result } from '../core/index.js';
import { RoleConfig } from './schema.js';

export interface ConfigProblem {
  /** Dotted path to the offending value, `(file)` for the file as a whole. */
  readonly path: string;
  readonly message: string;
}

const ENV_PREFIX = 'EMS_';

const camel = (segment: string): string =>
  segment.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** `8080` → 8080, `true` → true, `["a"]` → ["a"]; anything that is not JSON stays a string. */
const envValue = (raw: string): unknown => {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Environment overrides: `EMS_HTTP__PORT=8443` sets `http.port`, `EMS_RECORDS__TIMEOUT_MS=5000` sets
 * `records.timeoutMs`. Double underscores separate levels; single ones become camelCase.
 * Variables outside the config tree (EMS_LOG_CAPTURE) are skipped by name.
 */
export const applyEnvOverrides = (
  input: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, unknown> => {
  const out: Record<string, unknown> = structuredClone(input);
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || raw === undefined) continue;
    if (!name.includes('__') && !ROOT_KEYS.has(name)) continue;
    const segments = name.slice(ENV_PREFIX.length).split('__').map(camel);
    let node: Record<string, unknown> = out;
    for (const segment of segments.slice(0, -1)) {
      const next = node[segment];
      if (!isRecord(next)) node[segment] = {};
      node = node[segment] as Record<string, unknown>;
    }
    node[segments[segments.length - 1] as string] = envValue(raw);
  }
  return out;
};

/** Top-level keys that may be overridden without a nested path. */
const ROOT_KEYS = new Set(['EMS_ID', 'EMS_DATA_DIR', 'EMS_ROLE']);

const formatIssue = (issue: v.BaseIssue<unknown>): ConfigProblem => {
  const path = v.getDotPath(issue) ?? '(root)';
  // Say what was expected, not what was received: a config may hold credentials.
  const message =
    issue.kind === 'validation' || issue.expected === null ? issue.message : `expected ${issue.expected}`;
  return { path, message };
};

/** Validates a whole configuration; every problem is returned at once, nothing is applied. */
export const validateConfig = (input: unknown): Result<RoleConfig, readonly ConfigProblem[]> => {
  const parsed = v.safeParse(RoleConfig, input, { abortEarly: false });
  if (parsed.success) return ok(parsed.output);
  return err(parsed.issues.map(formatIssue));
};

export const loadConfig = async (
  file: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<Result<RoleConfig, readonly ConfigProblem[]>> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'EIO';
    return err([{ path: '(file)', message: `cannot read the configuration file (${code})` }]);
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (cause) {
    return err([{ path: '(file)', message: `not valid JSON: ${(cause as Error).message}` }]);
  }
  if (!isRecord(input)) return err([{ path: '(root)', message: 'expected a JSON object' }]);
  return validateConfig(applyEnvOverrides(input, env));
};
