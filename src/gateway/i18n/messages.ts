/** The message catalogue: every word the screens show, in Japanese (default) and English. */
export const LOCALES = ['ja', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'ja';

const ja = {
  'app.name': '救急ゲートウェイ',
  'title.crew': '救急隊タブレット',
  'title.triage': '救急外来 受入ボード',
  'title.dispatcher': '指令センター',
  'title.admin': '管理',
  'login.title': 'ログイン',
  'login.userId': 'ユーザーID',
  'login.password': 'パスワード',
  'login.otp': '確認コード（6桁）',
  'login.deviceToken': '端末登録コード',
  'login.deviceHint': 'この端末は未登録です。管理者から受け取った端末登録コードを入力してください。',
  'login.submit': 'ログイン',
  'login.error.login-failed': 'ユーザーID、パスワードまたは確認コードが正しくありません。',
  'login.error.locked': '試行回数が多すぎます。15分後に再度お試しください。',
  'login.error.invalid-input': '入力内容を確認してください。',
  'login.error.device': '端末登録コードが正しくありません。',
  'login.error.idle': '一定時間操作がなかったため、ログオフしました。',
  'login.error.csrf': 'フォームの有効期限が切れました。もう一度入力してください。',
  'logout.submit': 'ログオフ',
  'live.connected': 'ライブ',
  'live.reconnecting': '再接続中…',
  'session.user': '利用者',
  'panel.card': 'カード',
  'panel.summary': '救急サマリー',
  'panel.report': '事前報告',
  'panel.incoming': '受入予定',
  'panel.hospitals': '病院の状況',
  'panel.inquiries': '受入照会',
  'panel.audit': '監査ログ（最新）',
  'panel.users': '利用者',
  'empty.card': 'カードなし — カードをリーダーにかざしてください',
  'empty.summary': 'サマリーなし（カード未読取）',
  'empty.report': '作成中の報告なし',
  'empty.incoming': '受入予定の報告なし',
  'empty.hospitals': '病院の状況は未受信',
  'empty.inquiries': '照会なし',
  'empty.audit': '記録なし',
  'audit.chainOk': 'ハッシュ連鎖：正常',
  'audit.chainBroken': 'ハッシュ連鎖：不整合',
  'lang.switch': 'English',
  'time.justNow': 'たった今',
  'time.minutesAgo': '{n}分前',
  'time.hoursAgo': '{n}時間前',
  'time.daysAgo': '{n}日前',
} as const;

export type MessageKey = keyof typeof ja;

const en: Readonly<Record<MessageKey, string>> = {
  'app.name': 'EMS gateway',
  'title.crew': 'Ambulance tablet',
  'title.triage': 'ER triage board',
  'title.dispatcher': 'Dispatch centre',
  'title.admin': 'Administration',
  'login.title': 'Log in',
  'login.userId': 'User ID',
  'login.password': 'Password',
  'login.otp': 'Code (6 digits)',
  'login.deviceToken': 'Device enrolment code',
  'login.deviceHint': 'This device is not enrolled yet. Enter the enrolment code from your administrator.',
  'login.submit': 'Log in',
  'login.error.login-failed': 'User ID, password or code is not correct.',
  'login.error.locked': 'Too many attempts. Try again in 15 minutes.',
  'login.error.invalid-input': 'Check what you entered.',
  'login.error.device': 'The device enrolment code is not correct.',
  'login.error.idle': 'You were logged off after a period of inactivity.',
  'login.error.csrf': 'The form expired. Please enter it again.',
  'logout.submit': 'Log off',
  'live.connected': 'Live',
  'live.reconnecting': 'Reconnecting…',
  'session.user': 'User',
  'panel.card': 'Card',
  'panel.summary': 'Emergency summary',
  'panel.report': 'Pre-arrival report',
  'panel.incoming': 'Incoming',
  'panel.hospitals': 'Hospital status',
  'panel.inquiries': 'Acceptance inquiries',
  'panel.audit': 'Audit log (latest)',
  'panel.users': 'Users',
  'empty.card': 'No card — tap a card on the reader',
  'empty.summary': 'No summary (no card read)',
  'empty.report': 'No report in progress',
  'empty.incoming': 'No incoming reports',
  'empty.hospitals': 'No hospital status received yet',
  'empty.inquiries': 'No inquiries',
  'empty.audit': 'No entries',
  'audit.chainOk': 'Hash chain: intact',
  'audit.chainBroken': 'Hash chain: broken',
  'lang.switch': '日本語',
  'time.justNow': 'just now',
  'time.minutesAgo': '{n} min ago',
  'time.hoursAgo': '{n} h ago',
  'time.daysAgo': '{n} d ago',
};

const CATALOGUE: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = { ja, en };

export type Translate = (key: MessageKey, vars?: Readonly<Record<string, string | number>>) => string;

export const translator =
  (locale: Locale): Translate =>
  (key, vars = {}) =>
    CATALOGUE[locale][key].replace(/\{(\w+)\}/g, (_m, name: string) => String(vars[name] ?? ''));
