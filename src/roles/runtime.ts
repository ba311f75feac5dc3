import type { Hono } from 'hono';
import type { RoleConfig } from '../config/index.js';
import { privateDir, systemClock, type Clock } from '../core/index.js';
import type { GatewayEnv } from '../gateway/index.js';
import { openGateway, Readiness, startServer, type Gateway, type RunningServer } from '../gateway/index.js';
import { BrokerLink, DEFAULT_SESSION_EXPIRY_SECONDS, topics } from '../hospital-feed/index.js';
import { createLogger, type Logger } from '../log/index.js';
import { startIdleTrim } from '../memory/index.js';
import { Metrics } from '../metrics/index.js';
import { keysCheck, loadRoleCrypto, type RoleCrypto } from './crypto.js';
import { ROLES_CSS } from './stylesheet/index.js';

/** A running role: what `run` and `demo` start and stop. */
export interface RunningRole {
  readonly role: RoleConfig['role'];
  readonly id: string;
  readonly url: string;
  /** The HTTP API and screens: users, audit, panels (the demo provisions its users here). */
  readonly gateway: Gateway;
  stop(): Promise<void>;
}

export interface RoleContext {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly readiness: Readiness;
  readonly app: Hono<GatewayEnv>;
  /** Screens' panels, live updates, the audit log and the route registry for API routes. */
  readonly gateway: Gateway;
  readonly link: BrokerLink;
  /** The role's own keys and the pinned key directory (reloaded when its file changes). */
  readonly crypto: RoleCrypto;
  readonly clock: Clock;
  /** Called in reverse order on stop. */
  onStop(fn: () => Promise<void> | void): void;
}

/** One role's own parts, mounted on what every role shares (roles/index.ts picks it by role). */
export interface RolePart {
  /** Request body limits above the gateway's default, by path (e.g. the tablet's photo upload). */
  readonly uploadLimits?: ReadonlyMap<string, number>;
  mount(ctx: RoleContext): Promise<void>;
}

export interface RoleOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** Demo only: one-time log-in links valid this long (src/gateway/auth/demo-links.ts). */
  readonly demoLinkTtlMs?: number;
  /**
   * The role has the process to itself (`ems-gateway run`): hand freed heap memory back to the OS
   * whenever it goes quiet (src/memory). Process-wide, so not for the demo's several roles.
   */
  readonly returnFreedMemory?: boolean;
}

const openLink = (config: RoleConfig, env: RoleOptions['env']): BrokerLink => {
  const password = config.mqtt.passwordEnv === undefined ? undefined : env[config.mqtt.passwordEnv];
  return BrokerLink.open({
    url: config.mqtt.url,
    protocolVersion: config.mqtt.protocolVersion,
    clientId: config.id,
    // Persistent session: acknowledgements and reports queue at the broker while we are offline.
    sessionExpirySeconds: DEFAULT_SESSION_EXPIRY_SECONDS,
    // Peers resend what the broker may have dropped while we were away (presence.ts).
    ...(config.role === 'hospital' ? { presenceTopic: topics.hospitalPresence(config.id) } : {}),
    ...(config.role === 'ambulance' ? { presenceTopic: topics.unitPresence(config.id) } : {}),
    ...(config.mqtt.caFile === undefined ? {} : { caFile: config.mqtt.caFile }),
    ...(config.mqtt.certFile === undefined ? {} : { certFile: config.mqtt.certFile }),
    ...(config.mqtt.keyFile === undefined ? {} : { keyFile: config.mqtt.keyFile }),
    ...(config.mqtt.username === undefined ? {} : { username: config.mqtt.username }),
    ...(password === undefined ? {} : { password }),
  });
};

/**
 * What every role shares: a data directory (0700), logs, metrics, readiness, its keys and the pinned
 * key directory, the broker link and an
 * HTTP server with /healthz, /readyz and /metrics. `part` adds the role's own parts and routes.
 */
export const startRole = async (
  config: RoleConfig,
  options: RoleOptions,
  part: RolePart,
): Promise<RunningRole> => {
  // 0700 even when it already existed or the umask is loose: it holds patient data and keys.
  privateDir(config.dataDir);
  const logger = (options.logger ?? createLogger({ level: config.log.level })).child({
    role: config.role,
    principal: config.id,
  });
  const metrics = new Metrics({ role: config.role, principal: config.id });
  const readiness = new Readiness();
  const stops: Array<() => Promise<void> | void> = [];
  const clock = options.clock ?? systemClock;

  // Keys first: without them the role can neither sign nor open, so nothing else is started.
  const crypto = await loadRoleCrypto(config, options.env, logger);
  stops.push(async () => {
    await crypto.directory.close();
    for (const key of crypto.keys) key.wipe();
  });
  readiness.add({ name: 'keys', check: () => keysCheck(crypto, clock) });

  let link: BrokerLink;
  try {
    link = openLink(config, options.env);
  } catch (error) {
    for (const stop of stops.reverse()) await stop();
    throw error;
  }
  const brokerUp = metrics.gauge(
    'ems_broker_connected',
    'Whether the MQTT broker link is up (1) or down (0).',
  );
  link.on('up', () => {
    brokerUp.set(1);
    logger.info('broker link up');
  });
  link.on('down', (reason) => {
    brokerUp.set(0);
    logger.warn('broker link down', { reason });
  });
  stops.push(() => link.close());
  readiness.add({
    name: 'broker',
    check: () => (link.isUp ? { ready: true } : { ready: false, reason: 'not connected to the MQTT broker' }),
  });

  let gateway: Gateway;
  try {
    gateway = await openGateway({
      config,
      env: options.env,
      logger,
      metrics,
      readiness,
      styles: ROLES_CSS,
      ...(part.uploadLimits === undefined ? {} : { uploadLimits: part.uploadLimits }),
      ...(options.demoLinkTtlMs === undefined ? {} : { demoLinkTtlMs: options.demoLinkTtlMs }),
    });
  } catch (error) {
    for (const stop of stops.reverse()) await stop();
    throw error;
  }
  stops.push(() => gateway.close());
  // Every screen's live badge follows the broker link too (issue 15: "live" while reports cannot move).
  gateway.live.setLink(link.isUp ? 'up' : 'down');
  link.on('up', () => gateway.live.setLink('up'));
  link.on('down', () => gateway.live.setLink('down'));
  const app = gateway.app;
  try {
    await part.mount({
      logger,
      metrics,
      readiness,
      app,
      gateway,
      link,
      crypto,
      clock,
      onStop: (fn) => stops.push(fn),
    });
  } catch (error) {
    for (const stop of stops.reverse()) await stop();
    throw error;
  }

  // Only now: every part that handles incoming messages is wired (docs/protocol.md, rule 2).
  link.connect();

  let server: RunningServer;
  try {
    server = await startServer(app, config.http);
  } catch (error) {
    for (const stop of stops.reverse()) await stop();
    throw error;
  }
  if (options.returnFreedMemory === true) {
    const trim = startIdleTrim({ logger, metrics });
    stops.push(() => trim.stop());
  }
  logger.info('role started', { url: server.url });
  return {
    role: config.role,
    id: config.id,
    url: server.url,
    gateway,
    stop: async () => {
      await server.close();
      for (const stop of stops.reverse()) await stop();
      logger.info('role stopped');
    },
  };
};
