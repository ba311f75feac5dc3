/**
 * Every error the HTTP API can answer with, grouped by what the caller should do next. The status for
 * each lives in `statusOf` and nowhere else; the message is fixed text, never built from input.
 */
export const ApiErrorCode = {
  // The request is wrong: fix it, do not retry as is.
  invalidInput: 'invalid-input',
  unsupportedMediaType: 'unsupported-media-type',
  bodyTooLarge: 'body-too-large',
  badFraming: 'bad-framing',
  notFound: 'not-found',
  /** Addressed to a host name this instance does not answer to (DNS rebinding, a wrong proxy). */
  misdirected: 'misdirected',
  /** The thing exists but its state does not allow this (e.g. answering a cancelled report). */
  conflict: 'conflict',
  // Who is asking: log in (again) or use another account.
  unauthenticated: 'unauthenticated',
  /** The session is locked after idle: give the screen-lock PIN (POST /unlock), no full log-in. */
  locked: 'locked',
  forbidden: 'forbidden',
  csrfFailed: 'csrf-failed',
  tooManyAttempts: 'too-many-attempts',
  // Ours: retry later; details are in our logs only.
  internal: 'internal',
} as const;

export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 411 | 413 | 415 | 421 | 429 | 500;

export const statusOf = (code: ApiErrorCode): ErrorStatus => {
  switch (code) {
    case 'invalid-input':
    case 'bad-framing':
      return 400;
    case 'unauthenticated':
    case 'locked':
      return 401;
    case 'forbidden':
    case 'csrf-failed':
      return 403;
    case 'not-found':
      return 404;
    case 'conflict':
      return 409;
    case 'body-too-large':
      return 413;
    case 'unsupported-media-type':
      return 415;
    case 'misdirected':
      return 421;
    case 'too-many-attempts':
      return 429;
    case 'internal':
      return 500;
    default:
      return code satisfies never;
  }
};

const MESSAGES: Readonly<Record<ApiErrorCode, string>> = {
  'invalid-input': 'The request does not match the expected shape.',
  'unsupported-media-type': 'This content type is not accepted here.',
  'body-too-large': 'The request body is larger than this route accepts.',
  'bad-framing': 'The request framing is ambiguous (Content-Length with Transfer-Encoding).',
  'not-found': 'No such route.',
  misdirected: 'This server does not answer to that host name.',
  conflict: 'Not possible in its current state.',
  unauthenticated: 'Log in first.',
  locked: 'The screen is locked; unlock it with the PIN.',
  forbidden: 'Your role may not use this.',
  'csrf-failed': 'The form has expired; reload the page and try again.',
  'too-many-attempts': 'Too many attempts; wait and try again.',
  internal: 'Something went wrong on our side.',
};

export interface ErrorBody {
  readonly code: ApiErrorCode;
  readonly message: string;
  /** For invalid-input: names of schema fields that failed, never their values. */
  readonly fields?: readonly string[];
}

export const errorBody = (code: ApiErrorCode, fields?: readonly string[]): ErrorBody => ({
  code,
  message: MESSAGES[code],
  ...(fields === undefined || fields.length === 0 ? {} : { fields }),
});

/** Thrown by handlers and middleware at the HTTP edge; the error handler turns it into a response. */
export class ApiFailure extends Error {
  override readonly name = 'ApiFailure';
  constructor(
    readonly code: ApiErrorCode,
    readonly fields?: readonly string[],
  ) {
    super(code);
  }
}
