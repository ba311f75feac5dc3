import { createHash, randomBytes } from 'node:crypto';

/**
 * One-time log-in links for the demo only (issue 15, "getting in"): the demo prints one per synthetic
 * user at start, so a newcomer opens a screen in under a minute without an authenticator app. A link
 * is good once and for `ttlMs`; only its SHA-256 is held, in memory, so a restart voids every link.
 *
 * Never enabled outside the demo: no configuration key turns it on; only `startDemo` passes the option
 * to `openGateway` (see docs/security.md "Demo log-in links"). What it gives up, in the demo only: the
 * link is a bearer secret (whoever holds the console output logs in as that synthetic user).
 */
export class DemoLinks {
  readonly #links = new Map<string, { userId: string; expiresAt: number }>();

  constructor(private readonly ttlMs: number) {}

  /** A fresh token for this user (URL-safe, 24 bytes of randomness). */
  issue(userId: string, now: number): string {
    this.#forgetExpired(now);
    const token = randomBytes(24).toString('base64url');
    this.#links.set(digest(token), { userId, expiresAt: now + this.ttlMs });
    return token;
  }

  /** The user a token logs in, spending it; undefined when unknown, spent or expired. */
  consume(token: string, now: number): string | undefined {
    const key = digest(token);
    const link = this.#links.get(key);
    this.#links.delete(key);
    return link !== undefined && now < link.expiresAt ? link.userId : undefined;
  }

  /** Whether a token would log in now (the page shows the user before the button is pressed). */
  peek(token: string, now: number): string | undefined {
    const link = this.#links.get(digest(token));
    return link !== undefined && now < link.expiresAt ? link.userId : undefined;
  }

  #forgetExpired(now: number): void {
    for (const [key, link] of this.#links) if (now >= link.expiresAt) this.#links.delete(key);
  }
}

const digest = (token: string): string => createHash('sha256').update(token).digest('base64url');
