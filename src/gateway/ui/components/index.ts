/**
 * The screens' component layer (issue 15), learned from the GOV.UK and NHS.UK design systems: one
 * folder per component (markup, style fragment, words, README with its accessibility notes), design
 * tokens in `tokens/`, one stylesheet (`UI_CSS`, served as /assets/ui.css). docs/components.md shows
 * how to use them. Every screen builds its forms and facts from these; none writes its own markup.
 */
export { Button, ButtonLink, ButtonGroup, type ButtonVariant } from './button/button.js';
export { Field, FieldRow, type FieldKind, type FieldProps, type Option } from './field/field.js';
export { fieldErrorText, type FieldLabel } from './field/messages.js';
export { Choices, choicesTarget, type Choice } from './choices/choices.js';
export {
  ErrorSummary,
  errorItems,
  type ErrorItem,
  type LabelledField,
} from './error-summary/error-summary.js';
export { Banner, Banners, type BannerTone } from './banner/banner.js';
export {
  Tag,
  Tags,
  AcuityTag,
  AcuityLegend,
  acuityWords,
  ACUITY_LEVELS,
  type TagTone,
  type AcuityLevel,
} from './tag/tag.js';
export { PatientRow, PatientList } from './patient-row/patient-row.js';
export { Confirm } from './confirm/confirm.js';
export { Timeline, type TimelineItem } from './timeline/timeline.js';
export { SummaryList, type SummaryRow } from './summary-list/summary-list.js';
export { Form, Group, ActionForm } from './form/form.js';
export { Steps, type Step } from './steps/steps.js';
export { UI_CSS } from './stylesheet.js';
export { fill } from './text.js';
