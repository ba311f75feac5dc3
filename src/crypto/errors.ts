/**
 * Error codes of the crypto folder, grouped by what the caller should do next. Callers branch on
 * `code`, never on `message`; messages name files and key ids only, never key material or patient data.
 */

/** Key file problems: all need an operator (fix the file, its permissions or the passphrase). */
export const KeyFileErrorCode = {
  UNREADABLE: 'KEY_FILE_UNREADABLE',
  PERMISSIONS: 'KEY_FILE_PERMISSIONS',
  MALFORMED: 'KEY_FILE_MALFORMED',
  PASSPHRASE_REQUIRED: 'KEY_FILE_PASSPHRASE_REQUIRED',
  PASSPHRASE_WRONG: 'KEY_FILE_PASSPHRASE_WRONG',
  INCONSISTENT: 'KEY_FILE_INCONSISTENT',
  EXISTS: 'KEY_FILE_EXISTS',
} as const;
export type KeyFileErrorCode = (typeof KeyFileErrorCode)[keyof typeof KeyFileErrorCode];

/** Directory problems: the file is refused and the last good directory stays in force. */
export const DirectoryErrorCode = {
  UNREADABLE: 'DIRECTORY_UNREADABLE',
  MALFORMED: 'DIRECTORY_MALFORMED',
  BAD_SIGNATURE: 'DIRECTORY_BAD_SIGNATURE',
  /** Older serial than the directory in force: a replayed old directory could resurrect a revoked key. */
  ROLLBACK: 'DIRECTORY_ROLLBACK',
} as const;
export type DirectoryErrorCode = (typeof DirectoryErrorCode)[keyof typeof DirectoryErrorCode];

/** Why an envelope could not be sealed: a caller or configuration mistake, never worth a retry as is. */
export const SealErrorCode = {
  UNKNOWN_RECIPIENT: 'SEAL_UNKNOWN_RECIPIENT',
  BAD_INPUT: 'SEAL_BAD_INPUT',
  BODY_TOO_LARGE: 'SEAL_BODY_TOO_LARGE',
} as const;
export type SealErrorCode = (typeof SealErrorCode)[keyof typeof SealErrorCode];

/**
 * Why an envelope was refused, by what the receiver should do:
 * - `drop`: malformed, altered, forged or misrouted; count it and drop it, a retry cannot help.
 * - `duplicate`: a copy of a message already accepted (at-least-once delivery); acknowledge again,
 *   do not process again.
 * - `stale`: expired; drop it, the sender's outbox decides what happens next.
 * - `operator`: the key directory or the clock is wrong or out of date; alert an operator.
 */
export const OpenErrorCode = {
  MALFORMED: 'ENVELOPE_MALFORMED',
  UNSUPPORTED_VERSION: 'ENVELOPE_UNSUPPORTED_VERSION',
  NOT_FOR_US: 'ENVELOPE_NOT_FOR_US',
  DECRYPT_FAILED: 'ENVELOPE_DECRYPT_FAILED',
  RECIPIENT_MISMATCH: 'ENVELOPE_RECIPIENT_MISMATCH',
  BAD_SIGNATURE: 'ENVELOPE_BAD_SIGNATURE',
  LIFETIME_TOO_LONG: 'ENVELOPE_LIFETIME_TOO_LONG',
  REPLAYED: 'ENVELOPE_REPLAYED',
  EXPIRED: 'ENVELOPE_EXPIRED',
  UNKNOWN_SENDER: 'ENVELOPE_UNKNOWN_SENDER',
  SENDER_KEY_REVOKED: 'ENVELOPE_SENDER_KEY_REVOKED',
  SENDER_KEY_EXPIRED: 'ENVELOPE_SENDER_KEY_EXPIRED',
  SENDER_KEY_NOT_YET_VALID: 'ENVELOPE_SENDER_KEY_NOT_YET_VALID',
  FROM_THE_FUTURE: 'ENVELOPE_FROM_THE_FUTURE',
} as const;
export type OpenErrorCode = (typeof OpenErrorCode)[keyof typeof OpenErrorCode];

export type OpenErrorAction = 'drop' | 'duplicate' | 'stale' | 'operator';

export const openErrorAction = (code: OpenErrorCode): OpenErrorAction => {
  switch (code) {
    case OpenErrorCode.MALFORMED:
    case OpenErrorCode.UNSUPPORTED_VERSION:
    case OpenErrorCode.NOT_FOR_US:
    case OpenErrorCode.DECRYPT_FAILED:
    case OpenErrorCode.RECIPIENT_MISMATCH:
    case OpenErrorCode.BAD_SIGNATURE:
    case OpenErrorCode.LIFETIME_TOO_LONG:
      return 'drop';
    case OpenErrorCode.REPLAYED:
      return 'duplicate';
    case OpenErrorCode.EXPIRED:
      return 'stale';
    case OpenErrorCode.UNKNOWN_SENDER:
    case OpenErrorCode.SENDER_KEY_REVOKED:
    case OpenErrorCode.SENDER_KEY_EXPIRED:
    case OpenErrorCode.SENDER_KEY_NOT_YET_VALID:
    case OpenErrorCode.FROM_THE_FUTURE:
      return 'operator';
    default:
      return code satisfies never;
  }
};

export interface CryptoProblem<C extends string> {
  readonly code: C;
  readonly message: string;
}

/** At the edges (role start, CLI) a problem becomes an exception that keeps its code. */
export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

export const toError = (problem: CryptoProblem<string>): CryptoError =>
  new CryptoError(problem.code, problem.message);
