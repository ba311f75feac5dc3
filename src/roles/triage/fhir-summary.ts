import { WIRE_SECTIONS, type Summary, type SummarySectionKey } from '../../hospital-feed/index.js';
import { missingText, statusText, trustedFlags } from './summary-view.js';
import { triageText, type TriageText } from './text.js';

/**
 * The report's records summary as FHIR R4 for the hospital's record system: a Composition whose
 * sections carry each section's status, and one resource per item with its codes exactly as received
 * (YJ, 一般名処方コード, ATC, RxNorm, ICD-10 under JP URIs, MEDIS, SNOMED CT, LOINC, J-FAGY …).
 *
 * Status → Composition.section (R4; cmp-1 needs text, entries or sub-sections, so every section has
 * text): `none-known` → emptyReason `nilknown`; `unavailable` → emptyReason by reason (not-recorded →
 * `notasked`, withheld → `withheld`, else `unavailable`); `partial` → its entries, the words in
 * section.text and the count in the extension UNREADABLE_EXTENSION. Pure: same input, same output.
 */

type Json = Record<string, unknown>;
type Entry = { readonly key: string; readonly resource: Json };
type Ref = { readonly reference: string };

/** The count of entries the source had but the crew's tablet could not read (partial sections). */
export const UNREADABLE_EXTENSION = 'urn:ems-gateway:fhir:StructureDefinition:section-unreadable-count';
const LIST_EMPTY_REASON = 'http://terminology.hl7.org/CodeSystem/list-empty-reason';
const LOINC = 'http://loinc.org';

/** IPS section codes (LOINC) where IPS has one; the others are named by text only. */
const SECTION_LOINC: Partial<Record<SummarySectionKey, readonly [string, string]>> = {
  allergies: ['48765-2', 'Allergies and adverse reactions Document'],
  medications: ['10160-0', 'History of Medication use Narrative'],
  problems: ['11450-4', 'Problem list - Reported'],
  pastIllness: ['11348-0', 'History of Past illness Narrative'],
  procedures: ['47519-4', 'History of Procedures Document'],
  devices: ['46264-8', 'History of medical device use'],
  advanceDirectives: ['42348-3', 'Advance directives'],
  pregnancy: ['10162-6', 'History of pregnancies Narrative'],
  results: ['30954-2', 'Relevant diagnostic tests/laboratory data Narrative'],
};

// FHIR R4 primitive formats: a value that does not fit is left out of the element (kept in text).
const FHIR_CODE = /^[^\s]+( [^\s]+)*$/;
const FHIR_URI = /^\S+$/;
const FHIR_DATETIME =
  /^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?$/;
const dateTime = (value: string | undefined): string | undefined =>
  value !== undefined && FHIR_DATETIME.test(value) ? value : undefined;
const some = <K extends string, T>(key: K, value: T | undefined): { [P in K]?: T } =>
  (value === undefined || value === '' ? {} : { [key]: value }) as { [P in K]?: T };

/** A CodeableConcept with every coding exactly as received (a coding FHIR cannot hold is left out). */
const concept = (
  codes: readonly { system: string; code: string; display?: string | undefined }[],
  text: string,
): Json => {
  const coding = codes
    .filter((c) => FHIR_URI.test(c.system) && FHIR_CODE.test(c.code))
    .map((c) => ({ system: c.system, code: c.code, ...some('display', c.display?.trim()) }));
  return { ...(coding.length === 0 ? {} : { coding }), ...some('text', text.trim() || undefined) };
};
const coded = (system: string, code: string, display?: string): Json => ({
  coding: [{ system, code, ...some('display', display) }],
});
const by = (source: string | undefined) => (source === undefined ? undefined : { display: source });
const note = (...texts: (string | undefined)[]) => {
  const t = texts.filter((x): x is string => x !== undefined && x.trim() !== '');
  return t.length === 0 ? {} : { note: t.map((text) => ({ text })) };
};

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const narrative = (lines: readonly string[]): Json => ({
  status: 'generated',
  div: `<div xmlns="http://www.w3.org/1999/xhtml">${lines.map((l) => `<p>${escapeXml(l)}</p>`).join('')}</div>`,
});

const CONDITION_CLINICAL = ['active', 'recurrence', 'relapse', 'inactive', 'remission', 'resolved'] as const;
const ALLERGY_VERIFICATION = ['unconfirmed', 'confirmed', 'refuted', 'entered-in-error'] as const;

/** One resource per item of a section, each pointing at the patient. */
const itemResources = (
  key: SummarySectionKey,
  s: Summary['sections'],
  patient: Ref,
  asOf: string,
  urn: (key: string) => string,
): Entry[] => {
  const at = (i: number) => `${key}/${i}`;
  switch (key) {
    case 'allergies':
    case 'contraindications':
      return s[key].items.map((a, i) => {
        const allergy = 'criticality' in a ? a : undefined;
        const verification = ALLERGY_VERIFICATION.find((v) => v === allergy?.verification);
        return {
          key: at(i),
          resource: {
            resourceType: 'AllergyIntolerance',
            ...(verification === undefined
              ? {}
              : {
                  verificationStatus: coded(
                    'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
                    verification,
                  ),
                }),
            ...(allergy === undefined
              ? { category: ['medication'], criticality: 'high' }
              : {
                  ...(allergy.category === 'unknown' ? {} : { category: [allergy.category] }),
                  ...(allergy.criticality === 'unknown' ? {} : { criticality: allergy.criticality }),
                }),
            code: concept(a.codes, a.substance),
            patient,
            ...some('recordedDate', dateTime(a.date)),
            ...some('asserter', by(a.source)),
            ...note(
              allergy === undefined ? '薬剤禁忌 / drug contraindication' : undefined,
              a.note,
              allergy !== undefined && verification === undefined ? allergy.verification : undefined,
              allergy !== undefined && allergy.reactions.length === 0 ? allergy.severity : undefined,
            ),
            ...(allergy === undefined || allergy.reactions.length === 0
              ? {}
              : {
                  reaction: [
                    {
                      manifestation: allergy.reactions.map((text) => ({ text })),
                      ...some('severity', allergy.severity),
                    },
                  ],
                }),
          },
        };
      });
    case 'medications':
      return s.medications.items.map((m, i) => ({
        key: at(i),
        resource: {
          resourceType: 'MedicationStatement',
          // R4 MedicationStatement.status: a current medication is active, a past one completed.
          status: m.current ? 'active' : 'completed',
          medicationCodeableConcept: concept(m.codes, m.name),
          subject: patient,
          ...some('effectiveDateTime', dateTime(m.date)),
          dateAsserted: asOf,
          ...some('informationSource', by(m.source)),
          ...(m.dose === undefined ? {} : { dosage: [{ text: m.dose }] }),
          ...note(
            m.flags.length === 0 ? undefined : `critical flags: ${m.flags.join(', ')}`,
            m.classified ? undefined : 'not classified for the critical flags',
          ),
        },
      }));
    case 'problems':
    case 'pastIllness':
    case 'infections':
      return s[key].items.map((c, i) => {
        const clinical = CONDITION_CLINICAL.find((v) => v === c.clinicalStatus);
        return {
          key: at(i),
          resource: {
            resourceType: 'Condition',
            ...(clinical === undefined
              ? {}
              : {
                  clinicalStatus: coded('http://terminology.hl7.org/CodeSystem/condition-clinical', clinical),
                }),
            category: [
              coded('http://terminology.hl7.org/CodeSystem/condition-category', 'problem-list-item'),
            ],
            code: concept(c.codes, c.name),
            subject: patient,
            ...some('onsetDateTime', dateTime(c.onset)),
            ...some('recordedDate', dateTime(c.date)),
            ...some('asserter', by(c.source)),
            ...note(
              key === 'infections' ? '感染症 / infection' : undefined,
              clinical === undefined ? c.clinicalStatus : undefined,
            ),
          },
        };
      });
    case 'procedures':
      return s.procedures.items.map((p, i) => ({
        key: at(i),
        resource: {
          resourceType: 'Procedure',
          status: 'completed',
          code: concept(p.codes, p.name),
          subject: patient,
          ...some('performedDateTime', dateTime(p.performed ?? p.date)),
          ...some('asserter', by(p.source)),
        },
      }));
    case 'devices':
      // IPS: a DeviceUseStatement of a Device (an implant: pacemaker, ICD, shunt …).
      return s.devices.items.flatMap((d, i) => [
        {
          key: `${at(i)}/device`,
          resource: {
            resourceType: 'Device',
            type: concept(d.codes, d.name),
            deviceName: [{ name: d.name, type: 'user-friendly-name' }],
            patient,
          },
        },
        {
          key: at(i),
          resource: {
            resourceType: 'DeviceUseStatement',
            status: 'active',
            subject: patient,
            device: { reference: urn(`${at(i)}/device`) },
            ...some('recordedOn', dateTime(d.date)),
            ...some('source', by(d.source)),
          },
        },
      ]);
    case 'advanceDirectives':
      // IPS allows a DocumentReference for an advance directive: the statement as received, as text.
      return s.advanceDirectives.items.map((x, i) => ({
        key: at(i),
        resource: {
          resourceType: 'DocumentReference',
          status: 'current',
          type: concept(x.codes, 'Advance directive'),
          subject: patient,
          description: x.text,
          ...some('date', x.date !== undefined && /T/.test(x.date) ? dateTime(x.date) : undefined),
          ...(x.source === undefined ? {} : { author: [{ display: x.source }] }),
          content: [
            {
              attachment: {
                contentType: 'text/plain; charset=utf-8',
                data: Buffer.from(x.text, 'utf8').toString('base64'),
                title: x.text,
              },
            },
          ],
        },
      }));
    case 'pregnancy':
    case 'results':
      return s[key].items.map((x, i) => ({
        key: at(i),
        resource: {
          resourceType: 'Observation',
          status: 'final',
          code:
            'text' in x
              ? concept(
                  x.codes.length === 0
                    ? [{ system: LOINC, code: '82810-3', display: 'Pregnancy status' }]
                    : x.codes,
                  'Pregnancy status',
                )
              : concept(x.codes, x.name),
          subject: patient,
          ...some('effectiveDateTime', dateTime(x.date)),
          ...(x.source === undefined ? {} : { performer: [{ display: x.source }] }),
          valueString: 'text' in x ? x.text : x.value,
        },
      }));
    default:
      return key satisfies never;
  }
};

const EMPTY_REASON = {
  'not-sent': 'unavailable',
  'not-recorded': 'notasked',
  unreadable: 'unavailable',
  'upstream-failed': 'unavailable',
  withheld: 'withheld',
  'no-summary': 'unavailable',
} as const;

const emptyReason = (code: (typeof EMPTY_REASON)[keyof typeof EMPTY_REASON] | 'nilknown'): Json => ({
  coding: [{ system: LIST_EMPTY_REASON, code }],
});

/** Section text in both languages the desk uses: the status words, then newest and sources. */
const sectionText = (texts: readonly string[]): Json => narrative(texts);
const both = (f: (tt: TriageText) => string | undefined): string[] =>
  [triageText('ja'), triageText('en')].flatMap((tt) => f(tt) ?? []);

const title = (key: SummarySectionKey | 'flags'): string =>
  key === 'flags'
    ? `${triageText('ja')('detail.criticalMeds')} / ${triageText('en')('detail.criticalMeds')}`
    : `${triageText('ja')(`section.${key}`)} / ${triageText('en')(`section.${key}`)}`;

const sectionCode = (key: SummarySectionKey): Json => {
  const loinc = SECTION_LOINC[key];
  return loinc === undefined
    ? { text: title(key) }
    : { coding: [{ system: LOINC, code: loinc[0], display: loinc[1] }], text: title(key) };
};

/** The entries and the Composition for a summary (or for none: every section unavailable). */
export const summaryEntries = (
  summary: Summary | undefined,
  patient: Ref,
  urn: (key: string) => string,
  context: { readonly date: string; readonly author: string },
): Entry[] => {
  const entries: Entry[] = [];
  const sections = WIRE_SECTIONS.map((key): Json => {
    if (summary === undefined)
      return {
        title: title(key),
        code: sectionCode(key),
        text: sectionText(both((tt) => missingText('no-summary', tt))),
        emptyReason: emptyReason(EMPTY_REASON['no-summary']),
      };
    const s = summary.sections[key];
    const items = itemResources(key, summary.sections, patient, summary.dataAsOf, urn);
    entries.push(...items);
    const provenance = [
      ...(s.status !== 'unavailable' && s.newest !== undefined ? [`newest: ${s.newest}`] : []),
      ...(s.status !== 'unavailable' && s.sources !== undefined && s.sources.length > 0
        ? [`sources: ${s.sources.join(' / ')}`]
        : []),
    ];
    const words = both((tt) => statusText(s, tt));
    // The section lists the statements; a DeviceUseStatement's Device is in the Bundle beside it.
    const listed = items.filter((e) => e.resource['resourceType'] !== 'Device');
    return {
      title: title(key),
      code: sectionCode(key),
      ...(s.status === 'partial' && s.unreadable !== undefined
        ? { extension: [{ url: UNREADABLE_EXTENSION, valueInteger: s.unreadable }] }
        : {}),
      text: sectionText([...(words.length === 0 ? [`${listed.length} entries`] : words), ...provenance]),
      ...(listed.length === 0
        ? {
            emptyReason: emptyReason(
              s.status === 'unavailable'
                ? EMPTY_REASON[s.reason ?? 'not-sent']
                : s.status === 'none-known'
                  ? 'nilknown'
                  : 'unavailable',
            ),
          }
        : { entry: listed.map((e) => ({ reference: urn(e.key) })) }),
    };
  });

  // The critical flags: one Flag (category drug) per flag; the status in words in the section text.
  const flags = summary === undefined ? undefined : trustedFlags(summary);
  const flagEntries = (flags?.flags ?? []).map((flag) => ({
    key: `flag/${flag}`,
    resource: {
      resourceType: 'Flag',
      status: 'active',
      category: [coded('http://terminology.hl7.org/CodeSystem/flag-category', 'drug', 'Drug')],
      code: { text: `${triageText('ja')(`flag.${flag}`)} / ${triageText('en')(`flag.${flag}`)}` },
      subject: patient,
    },
  }));
  entries.push(...flagEntries);
  const flagWords =
    flags === undefined
      ? both((tt) => missingText('no-summary', tt))
      : flags.status === 'complete'
        ? both((tt) => (flags.flags.length === 0 ? tt('flags.noneComplete') : undefined))
        : flags.status === 'incomplete'
          ? both((tt) =>
              flags.unclassified > 0
                ? tt('flags.unclassified').replace('{n}', String(flags.unclassified))
                : tt('flags.mayBeIncomplete'),
            )
          : both((tt) => tt('flags.unavailable'));
  sections.push({
    title: title('flags'),
    code: { text: title('flags') },
    text: sectionText(flagWords.length === 0 ? [`${flagEntries.length} flags`] : flagWords),
    ...(flagEntries.length === 0
      ? { emptyReason: emptyReason(flags?.status === 'complete' ? 'nilknown' : 'unavailable') }
      : { entry: flagEntries.map((e) => ({ reference: urn(e.key) })) }),
  });

  const composition: Entry = {
    key: 'composition',
    resource: {
      resourceType: 'Composition',
      status: 'final',
      type: coded(LOINC, '60591-5', 'Patient summary Document'),
      subject: patient,
      date: context.date,
      author: [{ display: context.author }],
      title: '救急搬送前報告：記録の要約 / Pre-arrival report: records summary',
      section: sections,
    },
  };
  return [composition, ...entries];
};
