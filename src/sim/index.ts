export { SeededRandom } from './random.js';
export {
  cardholder,
  population,
  identifyingStrings,
  individualNumberCheckDigit,
  type Cardholder,
} from './population.js';
