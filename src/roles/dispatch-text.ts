import type {
  Acuity,
  AgeBand,
  Category,
  DeclineReason,
  Equipment,
  ExclusionCode,
  FreshnessLabel,
  RankReason,
  Sex,
  TimelineKind,
} from '../dispatch/index.js';
import type { Locale } from '../gateway/index.js';

/**
 * The words of the dispatch and hospital-status screens, in Japanese and English. Kept beside the
 * panels that use them (not in the gateway's catalogue) so the screens' own parts can grow apart.
 */
const ja = {
  category: {
    stroke: '脳卒中',
    stemi: '急性心筋梗塞',
    trauma: '外傷',
    burns: '熱傷',
    paediatrics: '小児',
    obstetrics: '産科',
    psychiatric: '精神科',
    cardiacArrest: '心肺停止',
  } satisfies Record<Category, string>,
  acuity: { critical: '重篤', serious: '重症', moderate: '中等症', minor: '軽症' } satisfies Record<
    Acuity,
    string
  >,
  sex: { male: '男性', female: '女性', unknown: '不明' } satisfies Record<Sex, string>,
  equipment: { ct: 'CT', mri: 'MRI', cathLab: 'カテ室' } satisfies Record<Equipment, string>,
  decline: {
    cannotTreat: '処置困難',
    bedsFull: 'ベッド満床',
    busyWithPatients: '手術中・患者対応中',
    outsideSpecialty: '専門外',
    noSpecialist: '医師不在',
    other: 'その他',
  } satisfies Record<DeclineReason, string>,
  freshness: { fresh: '最新', stale: '古い', expired: '期限切れ' } satisfies Record<FreshnessLabel, string>,
  exclusion: {
    noStatus: '状況未受信',
    erClosed: '救急外来 閉鎖中',
    categoryNotAccepted: 'この分類は受入不可',
  } satisfies Record<ExclusionCode, string>,
  phase: {
    pending: '回答待ち',
    timedOut: '時間切れ',
    accepted: '受入可',
    declined: '受入不可',
    withdrawn: '取り下げ',
  },
  w: {
    hospital: '病院',
    erOpen: '救急外来',
    open: '開',
    closed: '閉',
    beds: '空床',
    icu: 'ICU',
    equipment: '設備',
    load: '混雑',
    updated: '更新',
    source: '出所',
    signed: '署名済み',
    sample: 'サンプル',
    accepts: '受入可能な分類',
    note: 'メモ（患者情報は書かないこと）',
    save: '保存して配信',
    place: '場所',
    lat: '緯度',
    lon: '経度',
    category: '分類',
    acuity: '重症度',
    ageBand: '年齢層',
    sex: '性別',
    rank: 'ランキング',
    rankTitle: '搬送先候補',
    rankAgain: 'この事案の搬送先候補を更新',
    newCase: '新しい事案として入力',
    placeHint: '一覧にない場所は「緯度・経度で入力」を選び、下に入力してください',
    placeTyped: '緯度・経度で入力',
    casesAsked: '照会した事案',
    ofAsked: '照会した事案のうち',
    ofCases: '全事案のうち',
    excluded: '除外',
    reasons: '理由',
    cost: '評価（分）',
    send: '選択した病院へ照会',
    caseId: '事案',
    eta: '到着予定',
    accept: '受入可',
    decline: '受入不可',
    reason: '理由',
    answerBy: '回答期限',
    answerExpired: '回答期限を過ぎました（回答できません）',
    answerNotTaken: 'この回答は送信されていません。指令センターへは電話で連絡してください。',
    answered: '回答済み',
    confirmed: '受入確定',
    withdrawnNote: '照会は取り下げられました',
    notSent: '送信できませんでした。もう一度押してください。',
    notSentShort: '未送信（電話で照会）',
    reachable: '照会可',
    phoneOnly: '電話のみ',
    escalated: '⚠ 地域の調整病院へエスカレーション',
    exhausted: '全ての照会先が受入不可・無回答：次の候補へ照会してください',
    cancel: '事案を取り消す',
    cases: '事案数',
    perCase: '照会回数（平均 / 中央値 / 最大）',
    toAcceptance: '照会開始から受入まで（中央値 / p90）',
    hardToPlace: '搬送困難事案（照会4回以上）',
    escalatedCases: 'エスカレーション',
    unplaced: '未決定',
    minutes: '分',
    ranked: '件',
    rejected: '拒否した状況メッセージ',
    unit: '救急隊',
    assign: '隊を割り当て',
    assignedUnit: '担当隊',
    timeline: '事案の経過',
    timelineUnreadable:
      '事案の経過を表示できません（記録ファイルを読み込めません）。事案の他の操作は続けられます。システム管理者に連絡してください。',
    kpisUnreadable:
      '集計を表示できません（記録ファイルを読み込めません）。システム管理者に連絡してください。',
    callToArrival: '通報から病院到着まで（中央値 / p90）',
    unitMilestones: '隊の記録（カード読取 / 要約閲覧 / 現場出発 / 病院到着、事案数）',
  },
  milestone: {
    call: '事案入力（通報）',
    cardRead: 'カード読取（本人確認）',
    summaryViewed: '要約閲覧',
    inquirySent: '照会',
    escalated: 'エスカレーション',
    accepted: '受入決定',
    departure: '現場出発',
    arrival: '病院到着',
  } satisfies Record<TimelineKind, string>,
};

type Words = typeof ja;

const en: Words = {
  category: {
    stroke: 'Stroke',
    stemi: 'STEMI',
    trauma: 'Trauma',
    burns: 'Burns',
    paediatrics: 'Paediatrics',
    obstetrics: 'Obstetrics',
    psychiatric: 'Psychiatric',
    cardiacArrest: 'Cardiac arrest',
  },
  acuity: { critical: 'Critical', serious: 'Serious', moderate: 'Moderate', minor: 'Minor' },
  sex: { male: 'Male', female: 'Female', unknown: 'Unknown' },
  equipment: { ct: 'CT', mri: 'MRI', cathLab: 'Cath lab' },
  decline: {
    cannotTreat: 'Cannot treat',
    bedsFull: 'Beds full',
    busyWithPatients: 'Busy with other patients',
    outsideSpecialty: 'Outside specialty',
    noSpecialist: 'No specialist',
    other: 'Other',
  },
  freshness: { fresh: 'Fresh', stale: 'Stale', expired: 'Expired' },
  exclusion: {
    noStatus: 'No status received',
    erClosed: 'ED closed',
    categoryNotAccepted: 'Category not accepted',
  },
  phase: {
    pending: 'Waiting',
    timedOut: 'Timed out',
    accepted: 'Accepted',
    declined: 'Declined',
    withdrawn: 'Withdrawn',
  },
  w: {
    hospital: 'Hospital',
    erOpen: 'ED',
    open: 'open',
    closed: 'closed',
    beds: 'Free beds',
    icu: 'ICU',
    equipment: 'Equipment',
    load: 'Load',
    updated: 'Updated',
    source: 'Source',
    signed: 'signed',
    sample: 'sample',
    accepts: 'Categories accepted',
    note: 'Note (never patient details)',
    save: 'Save and publish',
    place: 'Place',
    lat: 'Latitude',
    lon: 'Longitude',
    category: 'Category',
    acuity: 'Acuity',
    ageBand: 'Age band',
    sex: 'Sex',
    rank: 'Rank',
    rankTitle: 'Destinations',
    rankAgain: 'Update destinations for this case',
    newCase: 'Enter as a new case',
    placeHint: 'For a place not in the list, choose “Enter latitude / longitude” and fill them in below',
    placeTyped: 'Enter latitude / longitude',
    casesAsked: 'Cases with inquiries',
    ofAsked: 'of cases with inquiries',
    ofCases: 'of all cases',
    excluded: 'Excluded',
    reasons: 'Reasons',
    cost: 'Cost (min)',
    send: 'Ask the selected hospitals',
    caseId: 'Case',
    eta: 'ETA',
    accept: 'Accept',
    decline: 'Decline',
    reason: 'Reason',
    answerBy: 'Answer by',
    answerExpired: 'The answer deadline has passed (no answer possible)',
    answerNotTaken: 'This answer was not sent. Call the dispatch centre.',
    answered: 'Answered',
    confirmed: 'Acceptance confirmed',
    withdrawnNote: 'The inquiry was withdrawn',
    notSent: 'Not sent. Press again.',
    notSentShort: 'not sent (ask by phone)',
    reachable: 'online',
    phoneOnly: 'phone only',
    escalated: '⚠ Escalated to the regional centre',
    exhausted: 'Everyone asked declined or stayed silent: ask the next hospitals',
    cancel: 'Cancel the case',
    cases: 'Cases',
    perCase: 'Inquiries per case (mean / median / max)',
    toAcceptance: 'First inquiry to acceptance (median / p90)',
    hardToPlace: 'Hard-to-place cases (≥ 4 inquiries)',
    escalatedCases: 'Escalated',
    unplaced: 'Not placed',
    minutes: 'min',
    ranked: 'ranked',
    rejected: 'Status messages refused',
    unit: 'Unit',
    assign: 'Assign the unit',
    assignedUnit: 'Assigned unit',
    timeline: 'Case timeline',
    timelineUnreadable:
      'The case timeline cannot be shown: its file cannot be read. Everything else on the case still works. Tell the system administrator.',
    kpisUnreadable:
      'The figures cannot be shown: the timeline file cannot be read. Tell the system administrator.',
    callToArrival: 'Call to arrival at hospital (median / p90)',
    unitMilestones: 'Unit milestones (card read / summary viewed / departure / arrival, cases)',
  },
  milestone: {
    call: 'Incident entered (call)',
    cardRead: 'Card read (identity confirmed)',
    summaryViewed: 'Summary viewed',
    inquirySent: 'Inquiry',
    escalated: 'Escalated',
    accepted: 'Accepted',
    departure: 'Left the scene',
    arrival: 'Arrived at hospital',
  },
};

export const words = (locale: Locale): Words => (locale === 'en' ? en : ja);

/**
 * An age band as a dispatcher reads it: "65-74歳", "90歳以上" (not "90以上歳"); in English "65-74
 * years" (a bare "y" read as cut-off text in the incident form's select).
 */
const AGE_TEXT: Readonly<Record<Locale, (band: AgeBand) => string>> = {
  ja: (band) => (band.endsWith('+') ? `${band.slice(0, -1)}歳以上` : `${band}歳`),
  en: (band) => `${band} years`,
};
export const ageBandText = (locale: Locale, band: AgeBand): string => AGE_TEXT[locale](band);

const r1 = (n: number): string => n.toFixed(1);

/** One ranking reason as a dispatcher reads it: "+15.0 分: 混雑 100 %". */
export const reasonText = (locale: Locale, reason: RankReason): string => {
  const w = words(locale);
  const ja = locale === 'ja';
  const plus = `+${r1(reason.minutes)} ${w.w.minutes}`;
  switch (reason.code) {
    case 'travel':
      return ja
        ? `走行 ${r1(reason.minutes)} 分（${r1(reason.distanceKm)} km、${reason.source === 'matrix' ? '所要時間表' : '推定'}）`
        : `travel ${r1(reason.minutes)} min (${r1(reason.distanceKm)} km, ${reason.source === 'matrix' ? 'matrix' : 'estimate'})`;
    case 'load':
      return `${plus}: ${ja ? '混雑' : 'ED load'} ${reason.loadPercent} %`;
    case 'stale':
    case 'expired':
      return `${plus}: ${ja ? `状況が${Math.round(reason.ageMinutes)}分前` : `status ${Math.round(reason.ageMinutes)} min old`} (${w.freshness[reason.code]})`;
    case 'statusFromFuture':
      return `${plus}: ${ja ? '状況の時刻が未来（時計ずれ）' : 'status dated in the future (clock skew)'}`;
    case 'recentRefusals':
      return `${plus}: ${ja ? `直近${reason.windowHours}時間に${reason.count}回受入不可` : `${reason.count} refusals in the last ${reason.windowHours} h`}`;
    case 'missingEquipment':
      return `${plus}: ${ja ? `${w.equipment[reason.equipment]} 使用不可` : `no ${w.equipment[reason.equipment]}`}`;
    case 'noIcuBed':
      return `${plus}: ${ja ? 'ICU 空床なし' : 'no free ICU bed'}`;
    case 'noFreeBed':
      return `${plus}: ${ja ? '空床なし' : 'no free bed'}`;
    case 'notTertiary':
      return `${plus}: ${ja ? '救命救急センターではない' : 'not a tertiary centre'}`;
    default:
      return reason satisfies never;
  }
};
