import type { FhirJson } from './bundle-parts.js';
import { ipsBundle } from './ips-bundle.js';
import { jpClinsBundle } from './jp-clins-bundle.js';
import type { MedicalRecord } from './medical-record.js';

/** The holder's record in the shape its source sends it (MedicalRecord.shape): what the service serves. */
export const recordBundle = (record: MedicalRecord, timestamp: string): FhirJson => {
  switch (record.shape) {
    case 'ips':
      return ipsBundle(record, timestamp);
    case 'jp-clins':
      return jpClinsBundle(record, timestamp);
    default:
      return record.shape satisfies never;
  }
};
