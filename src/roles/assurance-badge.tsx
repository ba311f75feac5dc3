import type { FC } from 'hono/jsx';
import type { Translate } from '../gateway/index.js';
import { assuranceCode, assuranceStrength, type StatedAssurance } from '../summary/index.js';

/** The words for how a patient was identified (shared by the tablet, the ER board and its detail). */
export const assuranceText = (a: StatedAssurance, t: Translate): string => {
  switch (a.method) {
    case 'card-pin':
    case 'crew-entered':
    case 'not-stated':
      return t(`assurance.${a.method}`);
    case 'card-visual':
      return t('assurance.card-visual', { who: a.attester });
    case 'insurer-number':
    case 'four-items':
      return t(`assurance.${a.method}`, { score: a.score });
    default:
      return a satisfies never;
  }
};

/**
 * How the patient was identified, next to the patient's row or name. Weak identifications (a weak
 * match, crew-entered only, not stated) are marked as such in words and in style, so they are never
 * read as a card; `data-assurance` carries the code for tests and scripts.
 */
export const AssuranceBadge: FC<{ readonly assurance: StatedAssurance; readonly t: Translate }> = ({
  assurance,
  t,
}) => {
  const strength = assuranceStrength(assurance);
  const lookup = assurance.method === 'four-items' || assurance.method === 'insurer-number';
  return (
    <span
      class={`assurance assurance-${strength}`}
      data-assurance={assuranceCode(assurance)}
      data-assurance-strength={strength}
    >
      {t('assurance.label')}: {assuranceText(assurance, t)}
      {lookup && strength === 'weak' ? <strong> · {t('assurance.weak')}</strong> : null}
    </span>
  );
};
