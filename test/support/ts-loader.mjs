// Lets a child process started by a test run the TypeScript sources (e.g. the pcsclite worker) without
// a build: `node --import ./test/support/ts-loader.mjs file.ts`. Types are stripped by TypeScript itself.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
