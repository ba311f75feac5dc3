import type { Child, FC } from 'hono/jsx';
import {
  Banner,
  Banners,
  fill,
  formatJst,
  relativeAge,
  SummaryList,
  type PanelContext,
} from '../../gateway/index.js';
import type { ConsentBasis } from '../../records/index.js';
import type { EmergencySummary } from '../../summary/index.js';
import { dataAge, staleSections } from './summary-panel.js';
import type { Say, TextKey } from './text.js';

/** Whole years from a birth date (YYYY-MM-DD) to `now`; undefined for a partial or odd date. */
export const ageInYears = (birthDate: string | undefined, now: number): number | undefined => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate ?? '');
  if (m === null) return undefined;
  const today = new Date(now + 9 * 3600_000); // the age the crew says is the age in Japan (JST)
  let years = today.getUTCFullYear() - Number(m[1]);
  const month = today.getUTCMonth() + 1;
  if (month < Number(m[2]) || (month === Number(m[2]) && today.getUTCDate() < Number(m[3]))) years -= 1;
  return years >= 0 && years <= 130 ? years : undefined;
};

const GENDERS = ['male', 'female', 'other', 'unknown'] as const;
const genderKey = (g: string | undefined): TextKey =>
  `gender.${(GENDERS as readonly string[]).includes(g ?? '') ? (g as (typeof GENDERS)[number]) : 'unknown'}`;

/**
 * The facts that change what the crew does, each its own coloured banner at the top of the summary
 * (issue 15: not bold words run into a date): every allergy of high criticality, every critical drug
 * class with the drugs that carry it, incomplete flags, each implanted device, each advance directive
 * (DNAR), and records old enough to mislead, with their age in words.
 */
export const CriticalFacts: FC<{
  readonly summary: EmergencySummary;
  readonly fetchedAt: number;
  readonly ctx: PanelContext;
  readonly say: Say;
}> = ({ summary, fetchedAt, ctx, say }) => {
  const locale = ctx.locale;
  const banners: Child[] = [];
  const allergies =
    summary.allergies.status === 'available' || summary.allergies.status === 'partial'
      ? summary.allergies.items
      : [];
  for (const a of allergies.filter((x) => x.criticality === 'high'))
    banners.push(
      <Banner
        tone="critical"
        kind="allergy"
        locale={locale}
        title={fill(say('summary.severeAllergy'), { substance: a.substance })}
      >
        {a.reactions.length === 0 ? null : <p>{a.reactions.join('、')}</p>}
      </Banner>,
    );
  const meds =
    summary.medications.status === 'available' || summary.medications.status === 'partial'
      ? summary.medications.items.filter((m) => m.current)
      : [];
  for (const flag of summary.criticalFlags.flags)
    banners.push(
      <Banner
        tone="critical"
        kind={`flag-${flag}`}
        locale={locale}
        title={fill(say('summary.flagBanner'), { flag: say(`flag.${flag}`) })}
      >
        <p>
          {meds
            .filter((m) => m.flags.includes(flag))
            .map((m) => m.japaneseName ?? m.name)
            .join('、')}
        </p>
      </Banner>,
    );
  if (summary.criticalFlags.status !== 'complete')
    banners.push(
      <Banner
        tone="warning"
        kind="flags-incomplete"
        locale={locale}
        title={say('summary.flagsIncompleteBanner')}
      />,
    );
  const directives =
    summary.advanceDirectives.status === 'available' || summary.advanceDirectives.status === 'partial'
      ? summary.advanceDirectives.items
      : [];
  for (const d of directives)
    banners.push(
      <Banner
        tone="critical"
        kind="directive"
        locale={locale}
        title={fill(say('summary.directive'), { text: d.text })}
      />,
    );
  const devices =
    summary.devices.status === 'available' || summary.devices.status === 'partial'
      ? summary.devices.items
      : [];
  for (const d of devices)
    banners.push(
      <Banner
        tone="warning"
        kind="device"
        locale={locale}
        title={fill(say('summary.device'), { name: d.name })}
      />,
    );
  const stale = staleSections(summary, fetchedAt);
  if (stale.length > 0)
    banners.push(
      <Banner tone="warning" kind="stale" locale={locale} title={say('summary.staleTitle')}>
        <ul>
          {stale.map((x) => (
            <li data-stale={x.section}>
              {fill(say('summary.stale'), {
                section: say(`summary.${x.section}`),
                age: dataAge(x.days, say),
              })}
            </li>
          ))}
        </ul>
      </Banner>,
    );
  return banners.length === 0 ? null : <Banners>{banners}</Banners>;
};

/**
 * Who the patient is as far as the crew may know here: age and sex from the records (issue 15: the card
 * itself holds neither), how they were identified, the consent basis recorded (shown again, every
 * time), and when the records were fetched.
 */
export const PatientFacts: FC<{
  readonly summary: EmergencySummary | undefined;
  readonly consent: ConsentBasis | undefined;
  readonly identity: Child;
  readonly fetchedAt: number | undefined;
  readonly ctx: PanelContext;
  readonly say: Say;
}> = ({ summary, consent, identity, fetchedAt, ctx, say }) => {
  const patient = summary?.patient.reveal();
  const years = ageInYears(patient?.birthDate, ctx.now);
  const rows = [
    ...(patient === undefined
      ? []
      : [
          {
            id: 'patient',
            key: say('summary.patient'),
            value: [
              years === undefined ? undefined : fill(say('summary.years'), { n: years }),
              say(genderKey(patient.gender)),
            ]
              .filter((x) => x !== undefined)
              .join(' · '),
          },
        ]),
    { id: 'identity', key: say('summary.identity'), value: identity },
    ...(consent === undefined
      ? []
      : [
          {
            id: 'consent',
            key: say('summary.consent'),
            value: `${say(`consentBasis.${consent.basis}`)}${consent.basis === 'unable-emergency' ? ` (${say(`reason.${consent.reason}`)})` : ''}`,
          },
        ]),
    ...(fetchedAt === undefined
      ? []
      : [
          {
            id: 'fetched',
            key: say('summary.fetched'),
            value: `${formatJst(fetchedAt)} (${relativeAge(fetchedAt, ctx.now, ctx.t)})`,
          },
        ]),
  ];
  return <SummaryList rows={rows} />;
};
