import type { RequestVerifier, ResponseSealer } from './service.js';

/**
 * For running records-sim on its own before device keys exist (src/crypto, issue #4): signatures are
 * not checked and answers are not sealed. The CLI says so on start; tests and the benchmark use real
 * signing and sealing instead. Never a product path: src/records has no unsealed opener.
 */
export const unverifiedRequests: RequestVerifier = { verify: () => Promise.resolve(true) };
export const unsealedAnswers: ResponseSealer = { seal: (bytes) => Promise.resolve(bytes) };
