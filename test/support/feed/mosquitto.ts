import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** deploy/mosquitto, found upwards from here (this file also runs compiled, from dist/test/…). */
const findDeploy = (): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'deploy', 'mosquitto'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('deploy/mosquitto not found');
    dir = up;
  }
  return join(dir, 'deploy', 'mosquitto');
};
const DEPLOY = findDeploy();

export const MOSQUITTO = process.env['EMS_MOSQUITTO'] ?? '/usr/sbin/mosquitto';

/** A port free now (the broker binds it next; it keeps it across restarts). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

export interface Pki {
  readonly dir: string;
  readonly ca: string;
  cert(principal: string): string;
  key(principal: string): string;
}

/** Runs deploy/mosquitto/make-test-pki.sh, the same script an integrator uses. */
export const makePki = (dir: string, principals: readonly string[]): Pki => {
  execFileSync(join(DEPLOY, 'make-test-pki.sh'), [dir, ...principals], { stdio: 'pipe' });
  return {
    dir,
    ca: join(dir, 'ca.crt'),
    cert: (p) => join(dir, `${p}.crt`),
    key: (p) => join(dir, `${p}.key`),
  };
};

export interface Principals {
  readonly units: readonly string[];
  readonly hospitals: readonly string[];
  readonly dispatch: readonly string[];
}

/**
 * Mosquitto as in deploy/mosquitto/mosquitto.conf (TLS, client certificates as identity, the ACL from
 * make-acl.sh, persistence), on a free port in a scratch directory. kill() is SIGKILL.
 */
export class MosquittoBroker {
  #child: ChildProcess | undefined;
  log = '';

  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly pki: Pki,
    private readonly config: string,
  ) {}

  static async create(dir: string, principals: Principals): Promise<MosquittoBroker> {
    mkdirSync(join(dir, 'data'), { recursive: true });
    const all = [...principals.units, ...principals.hospitals, ...principals.dispatch];
    const pki = makePki(join(dir, 'pki'), all);
    const acl = execFileSync(join(DEPLOY, 'make-acl.sh'), [
      ...principals.units.map((p) => `unit:${p}`),
      ...principals.hospitals.map((p) => `hospital:${p}`),
      ...principals.dispatch.map((p) => `dispatch:${p}`),
    ]);
    writeFileSync(join(dir, 'acl'), acl);
    const port = await freePort();
    const config = join(dir, 'mosquitto.conf');
    writeFileSync(
      config,
      [
        // As root, Mosquitto drops to user `mosquitto`, which may not read this scratch directory.
        ...(process.getuid?.() === 0 ? ['user root'] : []),
        'per_listener_settings false',
        'allow_anonymous false',
        `listener ${port} 127.0.0.1`,
        `cafile ${pki.ca}`,
        `certfile ${join(pki.dir, 'server.crt')}`,
        `keyfile ${join(pki.dir, 'server.key')}`,
        'require_certificate true',
        'use_identity_as_username true',
        `acl_file ${join(dir, 'acl')}`,
        'persistence true',
        `persistence_location ${join(dir, 'data')}/`,
        'autosave_interval 10',
        'persistent_client_expiration 2d',
        'max_queued_messages 100000',
        'max_queued_bytes 536870912',
        'max_inflight_messages 20',
        'max_packet_size 1048576',
        'log_dest stderr',
        'log_type error',
        'log_type warning',
        '',
      ].join('\n'),
    );
    const broker = new MosquittoBroker(dir, port, pki, config);
    await broker.start();
    return broker;
  }

  get url(): string {
    return `mqtts://localhost:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(MOSQUITTO, ['-c', this.config], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (chunk: Buffer) => (this.log += chunk.toString('utf8')));
    this.#child = child;
    const deadline = Date.now() + 10_000;
    while (!(await canConnect(this.port))) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`mosquitto did not start: ${this.log.slice(-500)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** kill -9: no clean shutdown, no final autosave. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
  }
}

const canConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
