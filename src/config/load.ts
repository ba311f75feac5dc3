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

/** valibot's default messages end in "but received <the value>": a config may hold credentials. */
const QUOTES_INPUT = /received/i;

const formatIssue = (issue: v.BaseIssue<unknown>): ConfigProblem => {
  const path = v.getDotPath(issue) ?? '(root)';
  // Say what was expected, never what was received; our own messages ("must be …") quote nothing.
  const ours = issue.kind === 'validation' && !QUOTES_INPUT.test(issue.message);
  const message = ours
    ? issue.message
    : issue.expected === null
      ? `invalid ${issue.type}`
      : `expected ${issue.expected}`;
  return { path, message };
};

/** Validates a whole configuration; every problem is returned at once, nothing is applied. */
export const validateConfig = (input: unknown): Result<RoleConfig, readonly ConfigProblem[]> => {
  const parsed = v.safeParse(RoleConfig, input, { abortEarly: false });
  if (parsed.success) return ok(parsed.output);
  return err(parsed.issues.map(formatIssue));
};

/**
 * Where JSON.parse stopped, as line and column, and nothing else: V8's message quotes the text around
 * the error, which may be a password the operator was typing.
 */
const jsonErrorPlace = (text: string, cause: unknown): string => {
  const position = /at position (\d+)/.exec(cause instanceof Error ? cause.message : '')?.[1];
  if (position === undefined) return '';
  const before = text.slice(0, Number(position)).split('\n');
  return ` (line ${before.length}, column ${(before[before.length - 1] ?? '').length + 1})`;
};

/** The device token's minimum length (it enrols browsers; see docs/api.md). */
export const DEVICE_TOKEN_MIN_LENGTH = 16;

/**
 * The device token comes from the environment variable the file names (`auth.deviceTokenEnv`). A
 * valid file naming a variable that is unset or too short would pass and then fail at start:
 * `config check` reports it with the rest, naming the variable, never printing its value. (Other
 * `*Env` secrets may be optional, e.g. the passphrase of a key file that is not sealed.)
 */
export const environmentProblems = (
  config: RoleConfig,
  env: Readonly<Record<string, string | undefined>>,
): ConfigProblem[] => {
  const name = config.auth.deviceTokenEnv;
  if (name === undefined) return [];
  const value = env[name];
  if (value === undefined || value.length === 0)
    return [{ path: 'auth.deviceTokenEnv', message: `the environment variable ${name} is not set` }];
  if (value.length < DEVICE_TOKEN_MIN_LENGTH)
    return [
      {
        path: 'auth.deviceTokenEnv',
        message: `${name} must hold at least ${DEVICE_TOKEN_MIN_LENGTH} characters`,
      },
    ];
  return [];
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
    return err([{ path: '(file)', message: `not valid JSON${jsonErrorPlace(text, cause)}` }]);
  }
  if (!isRecord(input)) return err([{ path: '(root)', message: 'expected a JSON object' }]);
  return validateConfig(applyEnvOverrides(input, env));
};
