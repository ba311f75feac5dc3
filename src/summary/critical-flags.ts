/** Flags that change emergency care; the order is the order the crew sees them. */
export const CRITICAL_FLAGS = [
  'anticoagulant',
  'antiplatelet',
  'insulin',
  'glucose-lowering',
  'systemic-steroid',
  'antiepileptic',
  'opioid',
  'immunosuppressant',
] as const;
export type CriticalFlag = (typeof CRITICAL_FLAGS)[number];
