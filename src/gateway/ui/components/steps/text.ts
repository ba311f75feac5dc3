import type { Words } from '../text.js';

export const text: Words<'done' | 'current' | 'todo'> = {
  ja: { done: '完了', current: '現在の手順', todo: '未着手' },
  en: { done: 'done', current: 'current step', todo: 'not started' },
};
