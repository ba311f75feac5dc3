export { BrokerLink, type BrokerSettings, type LinkEvents } from './link.js';
export { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker.js';
