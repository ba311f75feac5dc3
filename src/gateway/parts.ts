import type { RoleName } from '../config/index.js';
import type { Clock } from '../core/index.js';
import type { Logger } from '../log/index.js';
import type { Metrics } from '../metrics/index.js';
import type { AuditLog } from './audit/index.js';
import type { VerifySignature } from './audit/verify.js';
import type { LoginThrottle, PinCost, ScryptCost, SessionStore, UserRole, UserStore } from './auth/index.js';
import type { CookieNames } from './http/cookies.js';
import type { LiveHub } from './live.js';
import type { Readiness } from './readiness.js';
import type { FormStore } from './ui/form-state.js';
import type { PanelRegistry } from './ui/panels.js';

/** Everything the route modules share, built once per instance by `openGateway`. */
export interface GatewayParts {
  readonly instance: RoleName;
  /** This instance's principal id: the device in every audit entry. */
  readonly device: string;
  /** The instance's name as people know it (config displayName), shown on the log-in page. */
  readonly displayName: string | undefined;
  /** The screen-lock settings (config auth.screenLock, auth.pinTries). */
  readonly screenLock: boolean;
  readonly pinTries: number;
  /** The cost of password hashes (scrypt). */
  readonly scryptCost: ScryptCost;
  /** The cost of screen-lock PIN hashes (Argon2id, auth/pin-hash.ts). */
  readonly pinCost: PinCost;
  readonly secure: boolean;
  readonly cookies: CookieNames;
  readonly admitted: readonly UserRole[];
  readonly deviceToken: string;
  readonly dummyHash: string;
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly throttle: LoginThrottle;
  readonly audit: AuditLog;
  readonly auditPublicKey: Uint8Array;
  readonly verifySignature: VerifySignature;
  readonly live: LiveHub;
  readonly panels: PanelRegistry;
  /** Forms as each browser left them: refused posts and drafts (memory only). */
  readonly forms: FormStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly readiness: Readiness;
  readonly heartbeatMs: number;
  /** /assets/ui.css: the components' stylesheet (UI_CSS), then the roles' own (GatewayOptions.styles). */
  readonly stylesheet: string;
  /** Whether the audit log verifies right now (shown on the admin screen). */
  auditIntact(): boolean;
}
