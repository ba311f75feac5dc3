import type { FieldErrorCode } from '../../form-state.js';
import type { Words } from '../text.js';

type Key = FieldErrorCode | 'format-number' | 'error-prefix' | 'range' | 'this-field';

/** Field error messages: what is wrong and how to put it right, with the field named (GOV.UK style). */
export const text: Words<Key> = {
  ja: {
    required: '{label}を入力してください',
    format: '{label}の形式が正しくありません',
    'format-number': '{label}は半角数字で入力してください',
    'too-long': '{label}が長すぎます',
    'out-of-range': '{label}が範囲外です',
    choice: '{label}を選んでください',
    incomplete: '{label}はすべて入力するか、すべて空にしてください',
    order: '{label}は今は記録できません',
    'error-prefix': 'エラー：',
    range: '（{hint}）',
    'this-field': 'この項目',
  },
  en: {
    required: 'Enter {label}',
    format: '{label} is not in the right format',
    'format-number': '{label} must be a number',
    'too-long': '{label} is too long',
    'out-of-range': '{label} is out of range',
    choice: 'Select {label}',
    incomplete: '{label}: fill in every part or leave them all empty',
    order: '{label} cannot be recorded yet',
    'error-prefix': 'Error: ',
    range: ' ({hint})',
    'this-field': 'this field',
  },
};
