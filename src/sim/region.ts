import type { HospitalLevel, HospitalSite, HospitalStatus, Region } from '../dispatch/index.js';
import { SeededRandom } from './random.js';

/**
 * Municipalities of Tokyo and Kanagawa the synthetic hospitals cluster around, weighted by how
 * many hospitals they get. Places are real; every hospital, its name and its status are invented.
 */
const TOWNS: readonly { name: string; lat: number; lon: number; weight: number }[] = [
  { name: '新宿区', lat: 35.6938, lon: 139.7034, weight: 3 },
  { name: '世田谷区', lat: 35.6464, lon: 139.6532, weight: 3 },
  { name: '大田区', lat: 35.5613, lon: 139.716, weight: 2 },
  { name: '練馬区', lat: 35.7356, lon: 139.6517, weight: 2 },
  { name: '足立区', lat: 35.7749, lon: 139.8046, weight: 2 },
  { name: '江戸川区', lat: 35.7066, lon: 139.8683, weight: 2 },
  { name: '八王子市', lat: 35.6664, lon: 139.316, weight: 2 },
  { name: '町田市', lat: 35.5484, lon: 139.4466, weight: 1 },
  { name: '立川市', lat: 35.6981, lon: 139.4137, weight: 1 },
  { name: '横浜市', lat: 35.4437, lon: 139.638, weight: 5 },
  { name: '川崎市', lat: 35.5308, lon: 139.7029, weight: 3 },
  { name: '相模原市', lat: 35.5713, lon: 139.3733, weight: 2 },
  { name: '横須賀市', lat: 35.2813, lon: 139.6722, weight: 1 },
  { name: '藤沢市', lat: 35.3387, lon: 139.4902, weight: 1 },
  { name: '平塚市', lat: 35.3272, lon: 139.3494, weight: 1 },
  { name: '厚木市', lat: 35.4432, lon: 139.3624, weight: 1 },
  { name: '小田原市', lat: 35.2646, lon: 139.1522, weight: 1 },
];

const STEMS = [
  '中央',
  '北',
  '南',
  '東',
  '西',
  'みなと',
  'さくら',
  'あおば',
  'ひかり',
  'みどり',
  '若葉',
  '清和',
  '共済',
  '記念',
  '桜ヶ丘',
  '緑ヶ丘',
];
const SECONDARY_SUFFIXES = ['病院', '総合病院', '医療センター', '中央病院'];
const SPECIALTIES = ['paediatrics', 'obstetrics', 'psychiatric'] as const;
const SPECIALTY_SUFFIXES: Readonly<Record<(typeof SPECIALTIES)[number], string>> = {
  paediatrics: 'こども医療センター',
  obstetrics: '母子医療センター',
  psychiatric: 'こころの医療センター',
};
const NOTES = ['CT 点検中（午後まで）', '小児科医 不在', '手術室 使用中', 'ICU 満床に近い', '発熱外来 混雑'];

export interface SampleRegionOptions {
  readonly seed?: number;
  /** About 200 for the demo; any count for benchmarks. */
  readonly count?: number;
  /** The instant statuses are aged from (their `updatedAt` lies before it). */
  readonly now: number;
}

export interface SampleRegion {
  readonly region: Region;
  /** One per hospital, except the few that never published one (as in any real region). */
  readonly statuses: readonly HospitalStatus[];
}

const weightedTown = (rng: SeededRandom): (typeof TOWNS)[number] => {
  const total = TOWNS.reduce((s, t) => s + t.weight, 0);
  let x = rng.next() * total;
  for (const town of TOWNS) {
    x -= town.weight;
    if (x < 0) return town;
  }
  return TOWNS[TOWNS.length - 1] as (typeof TOWNS)[number];
};

const levelOf = (rng: SeededRandom): HospitalLevel => {
  const x = rng.next();
  return x < 0.05 ? 'tertiary' : x < 0.17 ? 'specialty' : 'secondary';
};

/** Hospitals spread about 4 km around the town centre (roughly a Gaussian, by the sum of uniforms). */
const around = (rng: SeededRandom, centre: number, spreadDeg: number): number =>
  centre + (rng.next() + rng.next() + rng.next() - 1.5) * spreadDeg;

type Specialty = (typeof SPECIALTIES)[number];

const site = (
  rng: SeededRandom,
  index: number,
  names: Set<string>,
): { site: HospitalSite; specialty: Specialty } => {
  const town = weightedTown(rng);
  const level = levelOf(rng);
  const stem = rng.pick(STEMS);
  const specialty = rng.pick(SPECIALTIES);
  const base =
    level === 'tertiary'
      ? `${town.name.slice(0, -1)}${stem}総合医療センター`
      : level === 'specialty'
        ? `${town.name.slice(0, -1)}${stem}${SPECIALTY_SUFFIXES[specialty]}`
        : rng.chance(0.15)
          ? `${town.name}立${stem}病院`
          : `${town.name.slice(0, -1)}${stem}${rng.pick(SECONDARY_SUFFIXES)}`;
  let name = base;
  for (let n = 2; names.has(name); n++) name = `${base}第${n}分院`;
  names.add(name);
  const location = { lat: around(rng, town.lat, 0.05), lon: around(rng, town.lon, 0.06) };
  return { site: { id: `h-${String(index + 1).padStart(4, '0')}`, name, location, level }, specialty };
};

/** Most boxes publish every few minutes; some lag, a few have been forgotten for hours or days. */
const ageMinutes = (rng: SeededRandom): number => {
  const x = rng.next();
  if (x < 0.6) return rng.int(0, 10);
  if (x < 0.8) return rng.int(11, 45);
  if (x < 0.95) return rng.int(46, 300);
  return rng.int(301, 2880);
};

const acceptance = (
  rng: SeededRandom,
  level: HospitalLevel,
  specialty: string,
): HospitalStatus['accepts'] => {
  switch (level) {
    case 'tertiary':
      return {
        stroke: true,
        stemi: true,
        trauma: true,
        burns: rng.chance(0.8),
        paediatrics: rng.chance(0.8),
        obstetrics: rng.chance(0.6),
        psychiatric: rng.chance(0.4),
        cardiacArrest: true,
      };
    case 'secondary':
      return {
        stroke: rng.chance(0.55),
        stemi: rng.chance(0.45),
        trauma: rng.chance(0.6),
        burns: rng.chance(0.15),
        paediatrics: rng.chance(0.35),
        obstetrics: rng.chance(0.2),
        psychiatric: rng.chance(0.05),
        cardiacArrest: rng.chance(0.6),
      };
    case 'specialty':
      return {
        stroke: false,
        stemi: false,
        trauma: false,
        burns: false,
        paediatrics: specialty === 'paediatrics',
        obstetrics: specialty === 'obstetrics',
        psychiatric: specialty === 'psychiatric',
        cardiacArrest: false,
      };
    default:
      return level satisfies never;
  }
};

const status = (rng: SeededRandom, h: HospitalSite, specialty: Specialty, now: number): HospitalStatus => {
  const accepts = acceptance(rng, h.level, specialty);
  const big = h.level === 'tertiary';
  const loadPercent = Math.min(100, Math.round(rng.next() * rng.next() * 100 + (big ? 30 : 10)));
  const note = rng.chance(0.1) ? rng.pick(NOTES) : undefined;
  return {
    hospitalId: h.id,
    erOpen: rng.chance(big ? 0.98 : 0.9),
    accepts,
    beds: { free: rng.int(0, big ? 40 : 20), icuFree: rng.int(0, big ? 8 : 2) },
    equipment: {
      ct: h.level !== 'specialty' && rng.chance(0.95),
      mri: big || rng.chance(0.5),
      cathLab: big || (accepts.stemi && rng.chance(0.85)),
    },
    loadPercent,
    ...(note === undefined ? {} : { note }),
    updatedAt: now - ageMinutes(rng) * 60_000 - rng.int(0, 59_999),
  };
};

/** A deterministic synthetic region: the same seed and count give the same hospitals and statuses. */
export const sampleRegion = ({ seed = 1, count = 200, now }: SampleRegionOptions): SampleRegion => {
  if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be a non-negative integer');
  const root = new SeededRandom(seed).fork('region');
  const names = new Set<string>();
  const sites = Array.from({ length: count }, (_, i) => site(root.fork(`site:${i}`), i, names));
  const hospitals = sites.map((s) => s.site);
  const statuses = sites.flatMap(({ site: h, specialty }) => {
    const rng = root.fork(`status:${h.id}`);
    return rng.chance(0.02) ? [] : [status(rng, h, specialty, now)];
  });
  return { region: { id: 'sample-kanto', name: '東京・神奈川 合成サンプル地域', hospitals }, statuses };
};
