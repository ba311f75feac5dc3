/**
 * Why identifying a card failed, grouped by what the crew should do next. Codes are data: callers
 * switch on `code` or `next`, never on message text.
 */
export const IdentifyErrorCode = {
  // Tap again: the card or the reader path failed for a moment.
  cardRemoved: 'card-removed',
  cardTimeout: 'card-timeout',
  cardReadError: 'card-read-error',
  readerUnavailable: 'reader-unavailable',
  noCard: 'no-card',
  cardBusy: 'card-busy',
  // Enter the PIN again (tries remain).
  pinWrong: 'pin-wrong',
  // Use visual confirmation: the PIN cannot or must not be used.
  pinLastTry: 'pin-last-try',
  pinBlocked: 'pin-blocked',
  // The card cannot identify the patient: continue by hand, without the card.
  notMyNumberCard: 'not-my-number-card',
  cardSuspended: 'card-suspended',
  certificateCorrupt: 'certificate-corrupt',
  certificateExpired: 'certificate-expired',
  certificateNotYetValid: 'certificate-not-yet-valid',
  certificateUntrusted: 'certificate-untrusted',
  signatureInvalid: 'signature-invalid',
  // The request itself was wrong (caller bug or bad input).
  invalidRequest: 'invalid-request',
} as const;
export type IdentifyErrorCode = (typeof IdentifyErrorCode)[keyof typeof IdentifyErrorCode];

export type NextStep =
  'tap-again' | 'enter-pin-again' | 'use-visual-confirmation' | 'continue-without-card' | 'fix-request';

export interface IdentifyFailure {
  readonly code: IdentifyErrorCode;
  readonly next: NextStep;
  /** Short message for the crew's screen. */
  readonly crewMessage: string;
  /** Technical detail for logs (status words, codes); never APDU data or personal data. */
  readonly detail: string;
  /** Known remaining PIN tries, when the failure is about the PIN. */
  readonly pinTriesLeft?: number;
  /** APDUs exchanged before the failure. */
  readonly apduCount: number;
}

export const nextStep = (code: IdentifyErrorCode): NextStep => {
  switch (code) {
    case 'card-removed':
    case 'card-timeout':
    case 'card-read-error':
    case 'reader-unavailable':
    case 'no-card':
    case 'card-busy':
      return 'tap-again';
    case 'pin-wrong':
      return 'enter-pin-again';
    case 'pin-last-try':
    case 'pin-blocked':
      return 'use-visual-confirmation';
    case 'not-my-number-card':
    case 'card-suspended':
    case 'certificate-corrupt':
    case 'certificate-expired':
    case 'certificate-not-yet-valid':
    case 'certificate-untrusted':
    case 'signature-invalid':
      return 'continue-without-card';
    case 'invalid-request':
      return 'fix-request';
    default:
      return code satisfies never;
  }
};

export const crewMessage = (code: IdentifyErrorCode, pinTriesLeft?: number): string => {
  switch (code) {
    case 'card-removed':
      return 'Card moved away during reading: tap again and hold it still. / カードが離れました。もう一度かざしてください';
    case 'card-timeout':
      return 'The card did not answer: tap again. / カードが応答しません。もう一度かざしてください';
    case 'card-read-error':
      return 'The card could not be read: tap again. / 読み取りに失敗しました。もう一度かざしてください';
    case 'reader-unavailable':
      return 'Card reader is reconnecting: wait a moment, then tap again. / リーダー再接続中です';
    case 'no-card':
      return 'No card on the reader: tap the card. / カードをかざしてください';
    case 'card-busy':
      return 'The card is in use by another program: tap again. / 他のアプリが使用中です';
    case 'pin-wrong':
      return `Wrong PIN: ${pinTriesLeft ?? '?'} tries left. / 暗証番号が違います（残り${pinTriesLeft ?? '?'}回）`;
    case 'pin-last-try':
      return 'Only one PIN try left: the gateway will not use it. Use visual confirmation. / 残り1回のため暗証番号は使いません。目視確認へ';
    case 'pin-blocked':
      return 'PIN is locked: use visual confirmation. / 暗証番号がロックされています。目視確認へ';
    case 'not-my-number-card':
      return 'Not a My Number Card: continue without the card. / マイナンバーカードではありません';
    case 'card-suspended':
      return 'Card blocked (suspended): continue without the card. / カードは利用停止中です';
    case 'certificate-corrupt':
      return 'The card certificate is damaged: continue without the card. / 電子証明書が読み取れません';
    case 'certificate-expired':
      return 'Certificate expired: continue without the card. / 電子証明書の有効期限切れです';
    case 'certificate-not-yet-valid':
      return 'Certificate not yet valid (check the tablet clock). / 電子証明書の有効期間前です';
    case 'certificate-untrusted':
      return 'Certificate not issued by a trusted authority: continue without the card. / 信頼できない証明書です';
    case 'signature-invalid':
      return 'The card failed its presence check: continue without the card. / カードの確認に失敗しました';
    case 'invalid-request':
      return 'Invalid request: PIN must be 4 digits and an attester must be named. / 入力が不正です';
    default:
      return code satisfies never;
  }
};

export const failure = (
  code: IdentifyErrorCode,
  detail: string,
  apduCount: number,
  pinTriesLeft?: number,
): IdentifyFailure => ({
  code,
  next: nextStep(code),
  crewMessage: crewMessage(code, pinTriesLeft),
  detail,
  apduCount,
  ...(pinTriesLeft === undefined ? {} : { pinTriesLeft }),
});
