import type { LatLon } from '../../dispatch/index.js';

/**
 * Pick-list places for the incident form in the sample region (real stations, public coordinates);
 * any other place is entered as latitude and longitude.
 */
export const SAMPLE_PLACES: readonly {
  readonly id: string;
  readonly ja: string;
  readonly en: string;
  readonly at: LatLon;
}[] = [
  { id: 'shinjuku', ja: '新宿駅', en: 'Shinjuku Station', at: { lat: 35.6896, lon: 139.7006 } },
  { id: 'shibuya', ja: '渋谷駅', en: 'Shibuya Station', at: { lat: 35.658, lon: 139.7016 } },
  { id: 'kawasaki', ja: '川崎駅', en: 'Kawasaki Station', at: { lat: 35.5313, lon: 139.697 } },
  { id: 'yokohama', ja: '横浜駅', en: 'Yokohama Station', at: { lat: 35.4658, lon: 139.6223 } },
  { id: 'hachioji', ja: '八王子駅', en: 'Hachiōji Station', at: { lat: 35.6558, lon: 139.3389 } },
  { id: 'odawara', ja: '小田原駅', en: 'Odawara Station', at: { lat: 35.2564, lon: 139.1551 } },
];
