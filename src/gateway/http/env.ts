import type { Session } from '../auth/index.js';
import type { Locale } from '../i18n/index.js';

/** What middleware leaves on the context for handlers. */
export interface GatewayEnv {
  Variables: {
    /** The session the request acts as: none when locked (except a kiosk's, which shows its screen). */
    session: Session | undefined;
    /** The caller's session when it is locked (PIN unlock), kiosk or not; else undefined. */
    lockedSession: Session | undefined;
    locale: Locale;
    /** The enrolled browser's id, when the request carries a valid enrolled-device cookie. */
    device: string | undefined;
  };
}
