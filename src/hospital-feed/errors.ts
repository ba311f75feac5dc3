/**
 * Error codes of the feed, grouped by what the caller should do next (as the Medplum agent groups its
 * queue errors): retry later, tell an operator, or drop and report.
 */
export const FEED_ERRORS = {
  transient: {
    /** The link is down or the publish failed: not sent, retried with backoff. */
    notSent: 'not-sent',
    /** PUBACK not seen in time: treated as not sent (a late PUBACK changes nothing). */
    publishTimeout: 'publish-timeout',
  },
  operator: {
    /** The outbox or inbox file system is full: nothing new is accepted until space is freed. */
    storageFull: 'storage-full',
    /** The outbox or inbox file system or file is read-only. */
    storageReadOnly: 'storage-read-only',
    /** Any other storage failure (I/O error, corrupt file). */
    storageFailed: 'storage-failed',
  },
  permanent: {
    /** The body failed its schema: nothing was stored or sent. */
    invalidBody: 'invalid-body',
    /** No such report in the outbox or inbox. */
    unknownReport: 'unknown-report',
    /** The report is in a state that does not allow this (cancelled, expired, handed over). */
    reportClosed: 'report-closed',
    /** The expiry asked for is already past. */
    alreadyExpired: 'already-expired',
    /** No valid key for the recipient in the pinned directory: nothing can be sealed to it. */
    unknownRecipient: 'unknown-recipient',
  },
} as const;

type Values<T> = T[keyof T];
export type TransientError = Values<typeof FEED_ERRORS.transient>;
export type OperatorError = Values<typeof FEED_ERRORS.operator>;
export type PermanentError = Values<typeof FEED_ERRORS.permanent>;
export type FeedErrorCode = TransientError | OperatorError | PermanentError;
export type StorageErrorCode = OperatorError;

export interface FeedError {
  readonly code: FeedErrorCode;
  /** Safe for the crew's screen: never contains submitted values. */
  readonly message: string;
  /** For `invalid-body`: the offending field paths. */
  readonly paths?: readonly string[];
}

/**
 * How a part reports a store write that failed: the user is told (the side's `storage-error` event),
 * and the part returns the same error.
 */
export interface StorageFailure {
  failed(code: StorageErrorCode): FeedError;
}

export const CREW_MESSAGES: Readonly<Record<FeedErrorCode, string>> = {
  'not-sent': 'Not sent yet; retrying.',
  'publish-timeout': 'Not confirmed by the broker; retrying.',
  'storage-full':
    'The report was NOT saved: the tablet storage is full. Phone the hospital and ask IT to free space.',
  'storage-read-only':
    'The report was NOT saved: the tablet storage is read-only. Phone the hospital and restart the tablet.',
  'storage-failed': 'The report was NOT saved: a storage error occurred. Phone the hospital.',
  'invalid-body': 'Some fields are missing or out of range; correct them and send again.',
  'unknown-report': 'No such report.',
  'report-closed': 'This report is closed (cancelled, expired or handed over).',
  'already-expired': 'The expiry time is already past.',
  'unknown-recipient': 'The recipient has no valid key in the directory; nothing was sent.',
};

export const feedError = (code: FeedErrorCode, paths?: readonly string[]): FeedError => ({
  code,
  message: CREW_MESSAGES[code],
  ...(paths === undefined ? {} : { paths }),
});
