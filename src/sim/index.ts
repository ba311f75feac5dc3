export { SeededRandom } from './random.js';
export {
  cardholder,
  population,
  identifyingStrings,
  individualNumberCheckDigit,
  type Cardholder,
} from './population.js';
export { sampleRegion, type SampleRegion, type SampleRegionOptions } from './region.js';
