import { join } from 'node:path';
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { RoleConfig } from '../config/index.js';
import { privateDir, systemClock, type Clock } from '../core/index.js';
import type { Logger } from '../log/index.js';
import type { Metrics } from '../metrics/index.js';
import {
  AuditLog,
  ed25519Verify,
  loadOrCreateSigner,
  readAuditFile,
  verifyLog,
  type AuditInput,
} from './audit/index.js';
import {
  DemoLinks,
  hashPassword,
  loadDeviceToken,
  LoginThrottle,
  PIN_COST,
  PRODUCTION_COST,
  type PinCost,
  rolesFor,
  SessionStore,
  UserStore,
  type ScryptCost,
} from './auth/index.js';
import { bodyLimit } from './http/body-limit.js';
import { cookieNames } from './http/cookies.js';
import { csrfProtection } from './http/csrf.js';
import type { GatewayEnv } from './http/env.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { UI_CSS } from './ui/components/index.js';
import { errorPage } from './ui/error-page.js';
import { ApiFailure } from './http/errors.js';
import { RouteRegistry } from './http/routes.js';
import { allowedHostNames, hostGuard } from './http/host-guard.js';
import { securityHeaders } from './http/security-headers.js';
import { sessionMiddleware } from './http/session.js';
import { localeMiddleware } from './i18n/index.js';
import { LiveHub } from './live.js';
import type { GatewayParts } from './parts.js';
import type { Readiness } from './readiness.js';
import { adminRoutes } from './routes/admin.js';
import { authRoutes } from './routes/auth.js';
import { demoLoginRoutes } from './routes/demo-login.js';
import { screenRoutes } from './routes/screens.js';
import { systemRoutes } from './routes/system.js';
import { FormStore, type FieldErrorCode } from './ui/form-state.js';
import { PanelRegistry } from './ui/panels.js';
import { formDone, keepRefusedForm } from './http/form-keeper.js';

/** Bodies here are small forms and JSON; 64 KiB leaves room and bounds what a client can make us buffer. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

export interface GatewayOptions {
  readonly config: RoleConfig;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly readiness: Readiness;
  readonly clock?: Clock;
  readonly scryptCost?: ScryptCost;
  /** The Argon2id cost of screen-lock PIN hashes (PIN_COST; tests may lower it to stay fast). */
  readonly pinCost?: PinCost;
  readonly heartbeatMs?: number;
  readonly bodyLimitBytes?: number;
  /** Routes (exact paths) that take a larger body, with their bound in bytes: file uploads. */
  readonly uploadLimits?: ReadonlyMap<string, number>;
  /**
   * The roles' CSS text (src/roles/stylesheet/index.ts), served after the components' in /assets/ui.css:
   * the gateway imports no role, the roles hand it their styles where they are wired.
   */
  readonly styles?: string;
  /**
   * Demo only: one-time log-in links valid this long (`ems-gateway demo` passes it; no configuration
   * key can, so a production instance never has them). See auth/demo-links.ts.
   */
  readonly demoLinkTtlMs?: number;
}

/** Why patient data was touched: the consent basis and, without consent, the emergency reason code. */
export interface AccessReason {
  readonly purpose: NonNullable<AuditInput['purpose']>;
  readonly reason?: string;
  /** How the patient was identified (an `assuranceCode` of src/records): with every patient access. */
  readonly assurance?: string;
}

/** One instance's HTTP API and screens, and the handles other parts plug into. */
export interface Gateway {
  readonly app: Hono<GatewayEnv>;
  /** Add API routes: access, validation and the OpenAPI entry come from one declaration. */
  readonly routes: RouteRegistry;
  /** Fill the screen's panels (card, summary, report, incoming, hospitals, inquiries). */
  readonly panels: PanelRegistry;
  /** Tell open screens a panel changed (they refetch it). */
  readonly live: LiveHub;
  /** Forms as each browser left them (refused posts, drafts): memory only, forgotten with their data. */
  readonly forms: FormStore;
  /**
   * A handler's own check refused the form (a value out of range, a group given in part): keep what
   * was typed and the error of each field for this browser, and send it back to `to` to show them.
   */
  refuseForm(
    c: Context<GatewayEnv>,
    errors: Readonly<Record<string, FieldErrorCode>>,
    to?: string,
  ): Promise<Response>;
  /** The form went through: forget what was kept of it (its draft, an earlier refusal). */
  formDone(c: Context<GatewayEnv>): Promise<void>;
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly audit: AuditLog;
  readonly auditFile: string;
  readonly usersFile: string;
  readonly deviceToken: string;
  readonly scryptCost: ScryptCost;
  readonly pinCost: PinCost;
  /** Demo only (`demoLinkTtlMs`): issue a one-time log-in link's token for a user. */
  readonly demoLinks: DemoLinks | undefined;
  /** Records an access to patient data by the person behind this request (who, what, why, when). */
  recordAccess(
    c: Context<GatewayEnv>,
    action: AuditInput['action'],
    subject: NonNullable<AuditInput['subject']>,
    why: AccessReason,
  ): void;
  close(): void;
}

export const usersFileOf = (dataDir: string): string => join(dataDir, 'users.db');
export const auditFileOf = (dataDir: string): string => join(dataDir, 'audit.db');

export const openGateway = async (options: GatewayOptions): Promise<Gateway> => {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const secure = config.http.tls !== undefined;
  privateDir(config.dataDir);
  const token = await loadDeviceToken(config.dataDir, options.env, config.auth.deviceTokenEnv);
  if (!token.ok) throw new Error(token.error);
  const scryptCost = options.scryptCost ?? PRODUCTION_COST;
  const pinCost = options.pinCost ?? PIN_COST;
  const signer = await loadOrCreateSigner(join(config.dataDir, 'audit-signing.key'));
  const verifySignature = await ed25519Verify();
  const auditFile = auditFileOf(config.dataDir);
  const usersFile = usersFileOf(config.dataDir);
  const audit = AuditLog.open({ file: auditFile, device: config.id, clock, signer });
  const users = UserStore.open(usersFile);
  const sessions = SessionStore.open(usersFile, clock, {
    idleMs: config.auth.idleLogoutSeconds * 1000,
    maxMs: config.auth.sessionMaxHours * 3600_000,
  });
  const parts: GatewayParts = {
    instance: config.role,
    device: config.id,
    displayName: config.displayName,
    screenLock: config.auth.screenLock,
    pinTries: config.auth.pinTries,
    scryptCost,
    pinCost,
    secure,
    cookies: cookieNames(secure),
    admitted: rolesFor(config.role),
    deviceToken: token.value,
    dummyHash: await hashPassword('not a real password', scryptCost),
    users,
    sessions,
    throttle: new LoginThrottle(),
    audit,
    auditPublicKey: signer.publicKey,
    verifySignature,
    live: new LiveHub(),
    panels: new PanelRegistry(),
    // An hour untouched, 512 forms at most: a shift's typing survives a reload, nothing piles up.
    forms: new FormStore({ clock, ttlMs: 3_600_000, maxForms: 512 }),
    clock,
    logger,
    metrics: options.metrics,
    readiness: options.readiness,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    stylesheet: options.styles === undefined ? UI_CSS : `${UI_CSS}\n${options.styles}`,
    auditIntact: () => {
      const file = readAuditFile(auditFile);
      return verifyLog(file.entries, file.checkpoints, config.id, signer.publicKey, verifySignature).ok;
    },
  };

  const app = new Hono<GatewayEnv>();
  app.onError(errorHandler(logger, errorPage));
  app.notFound(notFoundHandler(errorPage));
  app.use(securityHeaders(secure));
  app.use(hostGuard(allowedHostNames(config.http.host, config.http.allowedHosts)));
  app.use(bodyLimit(options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT, options.uploadLimits));
  app.use(localeMiddleware(parts.cookies.lang, secure));
  app.use(sessionMiddleware(sessions, parts.cookies, token.value));
  const routes = new RouteRegistry(
    app,
    parts.admitted,
    (route) =>
      route.access.kind === 'public'
        ? csrfProtection({ loginCookie: parts.cookies.login })
        : csrfProtection('session'),
    parts.forms,
  );
  systemRoutes(routes, parts);
  authRoutes(routes, parts);
  screenRoutes(routes, parts, auditFile);
  adminRoutes(routes, parts, auditFile);
  const demoLinks = options.demoLinkTtlMs === undefined ? undefined : new DemoLinks(options.demoLinkTtlMs);
  if (demoLinks !== undefined) demoLoginRoutes(routes, parts, demoLinks);

  return {
    app,
    routes,
    panels: parts.panels,
    live: parts.live,
    forms: parts.forms,
    refuseForm: async (c, errors, to = '/') =>
      c.redirect((await keepRefusedForm(c, parts.forms, errors)) ? to : `${to}?error=invalid-input`, 303),
    formDone: (c) => formDone(c, parts.forms),
    users,
    sessions,
    audit,
    auditFile,
    usersFile,
    deviceToken: token.value,
    scryptCost,
    pinCost,
    demoLinks,
    recordAccess: (c, action, subject, why) => {
      const session = c.get('session');
      if (session === undefined) throw new ApiFailure('unauthenticated');
      audit.record({
        role: session.role,
        userId: session.userId,
        device: config.id,
        action,
        subject,
        purpose: why.purpose,
        reason: why.reason ?? null,
        outcome: 'success',
        ...(why.assurance === undefined ? {} : { assurance: why.assurance }),
      });
    },
    close: () => {
      audit.close();
      sessions.close();
      users.close();
    },
  };
};
