import type { Locale } from '../gateway/index.js';
import type { AttachmentCategory } from '../hospital-feed/index.js';

/**
 * The words of attachments (issue 16) on the tablet and at the triage desk, Japanese first. Kept
 * apart from the screens' catalogues so the two sides name a category the same way.
 */
const JA = {
  'category.scene': '現場',
  'category.injury': '外傷・創部',
  'category.ecg': '心電図（12誘導）',
  'category.medication': '薬・薬の箱',
  'category.medication-notebook': 'お薬手帳',
  'category.document': '書類',
  'category.other': 'その他',
  'kind.photo': '写真',
  'kind.pdf': 'PDF',
  'form.category': '何の写真・書類か',
  'form.camera': 'カメラで撮影',
  'form.cameraHint': 'タブレットのカメラが開きます。',
  'form.cameraSubmit': '撮影した写真を追加',
  'form.file': '画像・PDFファイル',
  'form.fileHint': '画像（JPEG・PNGなど）またはPDF。',
  'form.fileSubmit': 'ファイルを追加',
  'form.note':
    '写真は縮小・再圧縮し、PDFはページの内容だけを残して作り直し、位置情報や作成者・端末情報などのメタデータを消してから暗号化して送ります。報告の後に送られ、引継ぎでタブレットから消えます。',
  'state.waiting': '報告の送信後に送ります',
  'state.sending': '送信中',
  'state.delivered': '病院に届きました',
  'error.unsupported-type': '画像またはPDFではありません。追加されませんでした。',
  'error.unreadable-image': '画像を読み取れませんでした。撮り直してください。',
  'error.too-large': 'ファイルが大きすぎます。追加されませんでした。',
  'error.empty': 'ファイルが選ばれていません。',
  'error.encrypted-pdf':
    'パスワードで保護されたPDFは送れません。追加されませんでした。保護なしで書き出したPDFを選んでください。',
  'error.unreadable-pdf':
    'PDFを読み取れませんでした（壊れているか、対応していない形式です）。追加されませんでした。',
  'error.too-many': 'この患者の添付は上限に達しています。',
  'error.no-patient': '表示中の患者がいません。',
  'error.not-stored': '保存できませんでした（送信されていません）。もう一度追加してください。',
  'desk.title': '写真・添付',
  'desk.none': '添付なし',
  'desk.refused': '検証できず受け付けませんでした（改ざん・破損の可能性）',
  'desk.open': '開く',
  'desk.download': 'ダウンロード',
  'desk.added': '追加',
} as const;

type Key = keyof typeof JA;

const EN: Readonly<Record<Key, string>> = {
  'category.scene': 'Scene',
  'category.injury': 'Injury / wound',
  'category.ecg': 'ECG (12-lead)',
  'category.medication': 'Medication / boxes',
  'category.medication-notebook': 'Medication notebook (お薬手帳)',
  'category.document': 'Document',
  'category.other': 'Other',
  'kind.photo': 'Photo',
  'kind.pdf': 'PDF',
  'form.category': 'What it shows',
  'form.camera': 'Take a photo',
  'form.cameraHint': "Opens the tablet's camera.",
  'form.cameraSubmit': 'Add the photo',
  'form.file': 'Image or PDF file',
  'form.fileHint': 'An image (JPEG, PNG…) or a PDF.',
  'form.fileSubmit': 'Add the file',
  'form.note':
    'Photos are downscaled and re-encoded, and PDFs rebuilt from what their pages show, with location, author, device and other metadata removed, then encrypted. They go after the report, and leave the tablet at handover.',
  'state.waiting': 'Goes with the report once it is sent',
  'state.sending': 'Sending',
  'state.delivered': 'At the hospital',
  'error.unsupported-type': 'Not an image or a PDF: not added.',
  'error.unreadable-image': 'The image could not be read: take it again.',
  'error.too-large': 'The file is too large: not added.',
  'error.empty': 'No file was chosen.',
  'error.encrypted-pdf':
    'A password-protected PDF cannot be sent: not added. Choose a PDF saved without protection.',
  'error.unreadable-pdf':
    'The PDF could not be read (damaged, or a form this tablet cannot read): not added.',
  'error.too-many': 'This patient has the most attachments allowed.',
  'error.no-patient': 'No patient on screen.',
  'error.not-stored': 'Not saved (nothing was sent): add it again.',
  'desk.title': 'Photos and files',
  'desk.none': 'No attachments',
  'desk.refused': 'Refused: did not verify (changed or damaged on the way)',
  'desk.open': 'Open',
  'desk.download': 'Download',
  'desk.added': 'added',
};

export type AttachWords = (key: Key) => string;

export const attachWords =
  (locale: Locale): AttachWords =>
  (key) =>
    locale === 'en' ? EN[key] : JA[key];

export const categoryKey = (c: AttachmentCategory): Key => `category.${c}`;
