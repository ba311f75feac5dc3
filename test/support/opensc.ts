import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs OpenSC's pkcs15-tool on the first reader (asynchronously: the emulator answers in this process). */
export const pkcs15Tool = async (...args: string[]): Promise<string> => {
  const { stdout } = await run('pkcs15-tool', ['--reader', '0', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return stdout;
};

export const pemToDer = (pem: string): Buffer =>
  Buffer.from(pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, ''), 'base64');
