import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private pcscd with one vpcd virtual reader, for tests and benchmarks. pcsc-lite 1.9 has a single
 * daemon socket (/run/pcscd/pcscd.comm), so only one may run at a time on a machine: `acquire` takes
 * a lock directory that other test files and benchmarks wait on.
 */
export interface PrivatePcscd {
  /** The TCP port vpcd listens on for the emulated card (the reader `Virtual PCD 00 00`). */
  readonly vpcdPort: number;
  readonly readerName: string;
  /** Whether the daemon process is running. */
  readonly running: boolean;
  /** SIGKILL the daemon (a crash), leaving its socket behind as a real crash does. */
  kill(): Promise<void>;
  /** Start it again after `kill`. */
  start(): Promise<void>;
  /** Stop it and release the lock. */
  stop(): Promise<void>;
}

const LOCK = join(tmpdir(), 'ems-gateway-pcscd.lock');
const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const tryLock = (): boolean => {
  try {
    mkdirSync(LOCK);
    writeFileSync(join(LOCK, 'pid'), String(process.pid));
    return true;
  } catch {
    const owner = Number(existsSync(join(LOCK, 'pid')) ? readFileSync(join(LOCK, 'pid'), 'utf8') : 'NaN');
    if (Number.isInteger(owner) && !alive(owner)) rmSync(LOCK, { recursive: true, force: true });
    return false;
  }
};

const waitFor = async (
  predicate: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

/** Two consecutive free TCP ports (vpcd listens on CHANNELID and CHANNELID + 1). */
const freePortPair = async (): Promise<number> => {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
      });
    });
    if (port > 0 && port < 65_535) {
      const next = await new Promise<boolean>((resolve) => {
        const server = createServer();
        server.once('error', () => resolve(false));
        server.listen(port + 1, '0.0.0.0', () => server.close(() => resolve(true)));
      });
      if (next) return port;
    }
  }
};

const listening = (port: number): boolean => {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].some(
    (file) =>
      existsSync(file) &&
      readFileSync(file, 'utf8')
        .split('\n')
        .some((l) => l.includes(`:${hex} `) && l.includes(' 0A ')),
  );
};

/** Waits for the machine-wide lock, then starts pcscd with a vpcd reader on free ports. */
export const acquirePrivatePcscd = async (
  options: { readonly lockTimeoutMs?: number } = {},
): Promise<PrivatePcscd> => {
  await waitFor(tryLock, options.lockTimeoutMs ?? 300_000, 'the pcscd lock');
  const vpcdPort = await freePortPair();
  const confDir = mkdtempSync(join(tmpdir(), 'ems-pcscd-conf-'));
  const hexPort = `0x${vpcdPort.toString(16).toUpperCase()}`;
  writeFileSync(
    join(confDir, 'vpcd'),
    `FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:${hexPort}\nLIBPATH      ${VPCD_DRIVER}\nCHANNELID    ${hexPort}\n`,
  );
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const proc = spawn('pcscd', ['--foreground', '--config', confDir], { stdio: 'ignore' });
    child = proc;
    proc.once('exit', () => {
      if (child === proc) child = undefined;
    });
    await waitFor(
      () => child === proc && listening(vpcdPort) && existsSync('/run/pcscd/pcscd.comm'),
      15_000,
      'pcscd',
    );
  };
  const kill = async (): Promise<void> => {
    const proc = child;
    if (proc === undefined) return;
    proc.kill('SIGKILL');
    await waitFor(() => child === undefined, 10_000, 'pcscd to die');
  };
  await start();
  return {
    vpcdPort,
    readerName: 'Virtual PCD 00 00',
    get running() {
      return child !== undefined;
    },
    kill,
    start,
    stop: async () => {
      const proc = child;
      if (proc !== undefined) {
        proc.kill('SIGTERM');
        await waitFor(() => child === undefined, 10_000, 'pcscd to stop');
      }
      rmSync(confDir, { recursive: true, force: true });
      rmSync(LOCK, { recursive: true, force: true });
    },
  };
};
