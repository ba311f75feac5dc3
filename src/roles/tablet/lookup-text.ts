import type { Locale } from '../../gateway/index.js';

/** The card-less lookup's words (issue 13), Japanese first (the crew's language), English alongside. */
const JA = {
  title: 'カードなしで本人を照合',
  intro:
    '分かることを入力してください。候補が示されても自動では選びません。患者と照合して、一人を確認してください。',
  'four-items': '基本4情報（氏名・生年月日・性別・住所）',
  'insurer-number': '保険者番号（資格確認書・保険証・マイナポータルの画面）',
  nameKana: '氏名（カナ）',
  nameKanji: '氏名（漢字）',
  nameHint: 'カナか漢字のどちらかは必須',
  birthDate: '生年月日',
  birthDateHint: '例 1950-04-02',
  sex: '性別',
  'sex.': '不明',
  'sex.male': '男性',
  'sex.female': '女性',
  address: '住所',
  addressHint: '市区町村までで構いません',
  postcode: '郵便番号',
  postcodeHint: '7桁',
  insurerNumber: '保険者番号',
  insurerNumberHint: '6桁または8桁',
  symbol: '記号',
  number: '番号',
  branch: '枝番',
  branchHint: '2桁',
  search: '照合する',
  searching: '照合中…',
  candidates: '候補（自動では選びません）',
  candidate: '候補 {n}',
  score: '一致度',
  weak: '弱い一致',
  age: '年齢',
  ageValue: '{n}歳',
  town: '市区町村',
  same: '（候補間で同じ項目は表示しません）',
  choose: 'この人で確認…',
  confirmTitle: '候補 {n} を患者本人として確認',
  consequence:
    'この人の記録を取得し、病院への報告に「照合による本人確認（一致度 {score}）」と記載します。確認者として記録されます。',
  confirm: '本人として確認する',
  none: 'どれでもない（身元不明のまま）',
  noMatch: '一致する人はいませんでした。入力を確認するか、身元不明のまま続けてください。',
  incomplete: '一致した人が多すぎます。全員は表示していません。項目を追加してください。',
  'failed.rate-limited': '照合の回数が上限に達しました。しばらくしてからもう一度お試しください。',
  'failed.not-offered': 'この記録サービスでは保険者番号で照合できません。基本4情報で照合してください。',
  'failed.unavailable':
    '記録サービスに接続できません。後でもう一度照合してください。身元不明のまま続けられます。',
  'failed.failed': '照合できませんでした（機器またはサービスの問題）。管理者に連絡してください。',
  attach: 'このカードを {patient} に付ける',
  attachHint: 'カードをかざす前に表示していた身元不明の患者です。本人確認と記録はカードから取ります。',
  demoTitle: 'デモ用：同姓同名・同じ生年月日の2人（実在しない人）',
  demoTowns: '住所の市区町村',
} as const;

export type LookupKey = keyof typeof JA;

const EN: Readonly<Record<LookupKey, string>> = {
  title: 'Identify without a card',
  intro:
    'Enter what you know. Candidates are never chosen for you: check them against the patient and confirm one.',
  'four-items': 'Four basic items (name, date of birth, sex, address)',
  'insurer-number': 'Insurer number (eligibility certificate, insurance card or Mynaportal screen)',
  nameKana: 'Name (kana)',
  nameKanji: 'Name (kanji)',
  nameHint: 'kana or kanji, at least one',
  birthDate: 'Date of birth',
  birthDateHint: 'e.g. 1950-04-02',
  sex: 'Sex',
  'sex.': 'Unknown',
  'sex.male': 'Male',
  'sex.female': 'Female',
  address: 'Address',
  addressHint: 'the city, ward or town is enough',
  postcode: 'Postcode',
  postcodeHint: '7 digits',
  insurerNumber: 'Insurer number',
  insurerNumberHint: '6 or 8 digits',
  symbol: 'Symbol (記号)',
  number: 'Number (番号)',
  branch: 'Branch (枝番)',
  branchHint: '2 digits',
  search: 'Look up',
  searching: 'Looking up…',
  candidates: 'Candidates (none is chosen for you)',
  candidate: 'Candidate {n}',
  score: 'Match',
  weak: 'Weak match',
  age: 'Age',
  ageValue: '{n}',
  town: 'Municipality',
  same: '(what the candidates share is not shown)',
  choose: 'This is the patient…',
  confirmTitle: 'Confirm candidate {n} as the patient',
  consequence:
    'This person\'s records are fetched, and the report to the hospital says "identified by lookup (match {score})". You are recorded as the one who confirmed.',
  confirm: 'Confirm as the patient',
  none: 'None of these (patient stays unknown)',
  noMatch: 'Nobody matched. Check what you entered, or go on with an unknown patient.',
  incomplete: 'Too many people matched: not all are listed. Add an item.',
  'failed.rate-limited': 'You have made as many lookups as allowed for now. Try again in a while.',
  'failed.not-offered': 'This records service cannot look up by insurer number. Use the four basic items.',
  'failed.unavailable':
    'The records service cannot be reached. Look up again later; you can go on with an unknown patient.',
  'failed.failed': 'The lookup failed (device or service trouble). Call the operator.',
  attach: 'Attach this card to {patient}',
  attachHint:
    'The unknown patient on screen when the card was tapped. Identity and records then come from the card.',
  demoTitle: 'Demo: two people with the same name and date of birth (not real people)',
  demoTowns: 'Municipalities',
};

export type LookupSay = (key: LookupKey, values?: Readonly<Record<string, string | number>>) => string;

export const lookupSayer =
  (locale: Locale): LookupSay =>
  (key, values = {}) =>
    Object.entries(values).reduce(
      (s, [k, v]) => s.replaceAll(`{${k}}`, String(v)),
      (locale === 'en' ? EN : JA)[key],
    );
