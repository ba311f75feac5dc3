import { css as banner } from './banner/style.js';
import { css as button } from './button/style.js';
import { css as choices } from './choices/style.js';
import { css as confirm } from './confirm/style.js';
import { css as errorSummary } from './error-summary/style.js';
import { css as field } from './field/style.js';
import { css as form } from './form/style.js';
import { css as patientRow } from './patient-row/style.js';
import { css as screenLayout } from './screen-layout/style.js';
import { css as steps } from './steps/style.js';
import { css as summaryList } from './summary-list/style.js';
import { css as tag } from './tag/style.js';
import { css as timeline } from './timeline/style.js';
import { css as legacy } from './tokens/legacy.js';
import { css as tokens } from './tokens/style.js';

/**
 * The one stylesheet, served as /assets/ui.css (CSP: style-src 'self'): the tokens first, then each
 * component's fragment. Plain CSS text in a file of its own, never escaped into a page.
 */
export const UI_CSS = [
  tokens,
  legacy,
  button,
  field,
  choices,
  errorSummary,
  banner,
  tag,
  patientRow,
  confirm,
  timeline,
  summaryList,
  form,
  steps,
  screenLayout,
].join('\n');
