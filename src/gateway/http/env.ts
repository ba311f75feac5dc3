import type { Session } from '../auth/sessions.js';
import type { Locale } from '../i18n/index.js';

/** What middleware leaves on the context for handlers. */
export interface GatewayEnv {
  Variables: {
    session: Session | undefined;
    locale: Locale;
    /** The enrolled browser's id, when the request carries a valid enrolled-device cookie. */
    device: string | undefined;
  };
}
