/**
 * Outcome codes of a summary request, grouped by what happens next (the Medplum agent's habit):
 * `done` shows the summary; `permanent` tells the crew and they continue by hand (no retry helps);
 * `transient` tells the crew, and a later retry may succeed; `operator` means the device or the
 * service is misconfigured: someone must fix it, retrying will not.
 */
export const OutcomeCode = {
  done: { ok: 'ok' },
  permanent: {
    noEligibility: 'no-eligibility',
    cardSuspended: 'card-suspended',
    certificateExpired: 'certificate-expired',
    notFound: 'not-found',
    consentRefused: 'consent-refused',
  },
  transient: { upstreamUnavailable: 'upstream-unavailable', timeout: 'timeout' },
  operator: {
    deviceRejected: 'device-rejected',
    requestRejected: 'request-rejected',
    responseUnreadable: 'response-unreadable',
    /** The answer is not bound to this request, card and unit (someone on the path swapped it). */
    answerMismatch: 'answer-mismatch',
  },
} as const;

type Values<T> = T[keyof T];
export type PermanentCode = Values<typeof OutcomeCode.permanent>;
export type TransientCode = Values<typeof OutcomeCode.transient>;
export type OperatorCode = Values<typeof OutcomeCode.operator>;
export type OutcomeCode = 'ok' | PermanentCode | TransientCode | OperatorCode;

export type NextStep = 'show' | 'continue-by-hand' | 'retry-later' | 'call-operator';

export const nextStep = (code: OutcomeCode): NextStep => {
  switch (code) {
    case 'ok':
      return 'show';
    case 'no-eligibility':
    case 'card-suspended':
    case 'certificate-expired':
    case 'not-found':
    case 'consent-refused':
      return 'continue-by-hand';
    case 'upstream-unavailable':
    case 'timeout':
      return 'retry-later';
    case 'device-rejected':
    case 'request-rejected':
    case 'response-unreadable':
    case 'answer-mismatch':
      return 'call-operator';
    default:
      return code satisfies never;
  }
};

export interface CrewMessage {
  readonly ja: string;
  readonly en: string;
}

/** What the crew reads for each outcome: plain words, what it means for them, never a status code. */
export const crewMessage = (code: OutcomeCode): CrewMessage => {
  switch (code) {
    case 'ok':
      return { ja: '救急サマリーを取得しました。', en: 'Emergency summary received.' };
    case 'no-eligibility':
      return {
        ja: '資格なし：この方の保険資格が確認できません。記録は取得できません。手入力で続けてください。',
        en: 'No eligibility (資格なし): no valid insurance for this card, so no records. Continue by hand.',
      };
    case 'card-suspended':
      return {
        ja: 'このカードの電子証明書は一時停止または失効しています。記録は取得できません。手入力で続けてください。',
        en: "This card's certificate is suspended or revoked: no records. Continue by hand.",
      };
    case 'certificate-expired':
      return {
        ja: 'このカードの電子証明書は有効期限切れです。記録は取得できません。手入力で続けてください。',
        en: "This card's certificate has expired: no records. Continue by hand.",
      };
    case 'not-found':
      return {
        ja: 'この方の記録は見つかりませんでした。手入力で続けてください。',
        en: 'No records were found for this card holder. Continue by hand.',
      };
    case 'consent-refused':
      return {
        ja: '同意が得られなかったため、記録は取得していません。',
        en: 'Consent refused: no records were requested.',
      };
    case 'upstream-unavailable':
      return {
        ja: '記録サービスに接続できません。自動で再試行します。手入力で続けてください。',
        en: 'The records service cannot be reached. It will be retried; continue by hand meanwhile.',
      };
    case 'timeout':
      return {
        ja: '記録サービスの応答がありません。自動で再試行します。手入力で続けてください。',
        en: 'The records service did not answer in time. It will be retried; continue by hand meanwhile.',
      };
    case 'device-rejected':
      return {
        ja: 'この端末は記録サービスに認証されませんでした。管理者に連絡してください。手入力で続けてください。',
        en: 'The records service did not accept this device. Call the operator; continue by hand.',
      };
    case 'request-rejected':
      return {
        ja: '記録サービスが要求を受け付けませんでした。管理者に連絡してください。手入力で続けてください。',
        en: 'The records service refused the request. Call the operator; continue by hand.',
      };
    case 'response-unreadable':
      return {
        ja: '記録サービスの応答を開けませんでした。管理者に連絡してください。手入力で続けてください。',
        en: "The records service's answer could not be opened. Call the operator; continue by hand.",
      };
    case 'answer-mismatch':
      return {
        ja: '記録サービスの応答がこの要求・このカードのものではなかったため、破棄しました（何も表示していません）。管理者に連絡してください。手入力で続けてください。',
        en: 'The records answer was not for this request and card, so it was discarded and nothing is shown. Call the operator; continue by hand.',
      };
    default:
      return code satisfies never;
  }
};
