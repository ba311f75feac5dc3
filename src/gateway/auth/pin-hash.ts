import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { sodium } from '../../crypto/index.js';
import { verifyPassword } from './password.js';

/**
 * The Argon2id cost of a screen-lock PIN's hash (libsodium crypto_pwhash, Argon2id v1.3; libsodium
 * always uses one lane, p = 1). `opsLimit` is Argon2's t (passes), `memLimit` its m in bytes.
 */
export interface PinCost {
  readonly opsLimit: number;
  readonly memLimit: number;
}

/**
 * libsodium's interactive limits (crypto_pwhash_OPSLIMIT_INTERACTIVE = 2 passes,
 * crypto_pwhash_MEMLIMIT_INTERACTIVE = 64 MiB), with the 128-bit salt and 256-bit tag RFC 9106 asks.
 * Argon2id is RFC 9106's primary variant (§4). Its "second recommended option" for little memory is
 * t = 3 and 64 MiB; §4 also says to pick the time one can afford per hash, and ours is spent while
 * someone waits at a locked tablet (about 0.3 s per hash in its worker on the 2-core dev box when
 * quiet, start of the worker included; docs/decisions.md). More hardness buys
 * little for a secret of 4 to 8 digits: what guards the PIN is its try limit (auth.pinTries per
 * session, then the full two-factor log-in; NIST SP 800-63B §5.2.2) and the session token it is bound
 * to, which only the browser holds, so a copy of users.db leaves nothing to search offline. Only
 * someone past both factors (log-in with a PIN) or holding a locked session (its limited tries) makes
 * the gateway hash, so the event-loop time is no lever for an anonymous client.
 */
export const PIN_COST: PinCost = { opsLimit: 2, memLimit: 64 * 1024 * 1024 };

const ARGON2ID = '$argon2id$';

/**
 * Argon2id runs in a worker thread of its own, one at a time, ended after each hash: in the gateway's
 * thread it blocked the event loop (the feed's included) for the whole hash, and WebAssembly memory
 * never shrinks, so the first hash left the process 66 MiB larger for good (bench:roles-rss). The
 * worker is plain JavaScript given as a string (it needs libsodium only, found from this module), so
 * it runs the same from dist/ and under the tests.
 */
const LIBSODIUM = pathToFileURL(createRequire(import.meta.url).resolve('libsodium-wrappers-sumo')).href;
// import() rather than require: an eval'd worker is a module or a script as its parent's flags say.
const WORKER = `
Promise.all([import('node:worker_threads'), import(${JSON.stringify(LIBSODIUM)})]).then(
  ([{ parentPort, workerData: w }, { default: sodium }]) =>
    sodium.ready.then(() => {
      const pin = new TextEncoder().encode(w.pin);
      // As libsodium-wrappers throws on a malformed hash: a PIN that does not match, not a failure.
      const verify = () => {
        try {
          return sodium.crypto_pwhash_str_verify(w.stored, pin);
        } catch {
          return false;
        }
      };
      parentPort.postMessage(
        w.op === 'hash' ? sodium.crypto_pwhash_str(pin, w.opsLimit, w.memLimit) : verify(),
      );
    }),
);
`;

type PinJob =
  | { readonly op: 'hash'; readonly pin: string; readonly opsLimit: number; readonly memLimit: number }
  | { readonly op: 'verify'; readonly pin: string; readonly stored: string };

/** Hashes one after another: at most one 64 MiB Argon2id memory at a time, whatever the unlocks. */
let queue: Promise<unknown> = Promise.resolve();

const inWorker = <T>(job: PinJob): Promise<T> => {
  const run = (): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const worker = new Worker(WORKER, { eval: true, workerData: job });
      worker.once('message', (answer: T) => {
        resolve(answer);
        void worker.terminate();
      });
      worker.once('error', reject);
      // An exit before the answer (killed, out of memory): the caller gets an error, never a verdict.
      worker.once('exit', () => reject(new Error('the PIN hash worker ended without an answer')));
    });
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
};

/** The PIN's hash as stored in users.db: the PHC string (`$argon2id$v=19$m=…,t=…,p=1$salt$hash`). */
export const hashScreenPin = (pin: string, cost: PinCost): Promise<string> =>
  inWorker<string>({ op: 'hash', pin, opsLimit: cost.opsLimit, memLimit: cost.memLimit });

export const PinCheck = {
  /** Right PIN, hash as it should be. */
  match: 'match',
  /** Right PIN, but the hash is of an older kind or cost: store `hashScreenPin` of it now. */
  matchRehash: 'match-rehash',
  wrong: 'wrong',
} as const;
export type PinCheck = (typeof PinCheck)[keyof typeof PinCheck];

/**
 * Checks a PIN against its stored hash. Sessions live in users.db across restarts, so a locked
 * session may still hold the scrypt hash (`scrypt$N$r$p$salt$hash`, password.ts) written before
 * Argon2id: it is still verified, and reported for a rehash so the next good unlock replaces it.
 * An Argon2id hash of another cost verifies with the cost written in it, and is rehashed likewise.
 */
export const checkPin = async (pin: string, stored: string, cost: PinCost): Promise<PinCheck> => {
  if (!stored.startsWith(ARGON2ID))
    return (await verifyPassword(pin, stored)) ? PinCheck.matchRehash : PinCheck.wrong;
  if (!(await inWorker<boolean>({ op: 'verify', pin, stored }))) return PinCheck.wrong;
  return sodium.pwhashStrNeedsRehash(stored, cost.opsLimit, cost.memLimit)
    ? PinCheck.matchRehash
    : PinCheck.match;
};
