import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
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

/** The user Mosquitto drops to when started as root (its default `user`), or none when not root. */
const dropUser = (): { uid: number; gid: number } | undefined => {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string): number => Number(execFileSync('id', [flag, 'mosquitto'], { encoding: 'utf8' }));
  return { uid: id('-u'), gid: id('-g') };
};

/**
 * The shipped deploy/mosquitto/mosquitto.conf, run as deployed: make-conf.sh substitutes only the
 * file directory (the PKI from make-test-pki.sh, the ACL from make-acl.sh), the data directory and a
 * free port on 127.0.0.1. Started as root (CI), Mosquitto drops to its own user exactly as in
 * production, so the scratch directory is laid out as docs/deployment.md lays out /etc/mosquitto/ems
 * and /var/lib/mosquitto. kill() is SIGKILL.
 */
export class MosquittoBroker {
  #child: ChildProcess | undefined;
  log = '';

  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly pki: Pki,
    readonly config: string,
  ) {}

  static async create(dir: string, principals: Principals): Promise<MosquittoBroker> {
    const data = join(dir, 'data');
    mkdirSync(data, { recursive: true });
    const all = [...principals.units, ...principals.hospitals, ...principals.dispatch];
    const pki = makePki(join(dir, 'pki'), all);
    const acl = execFileSync(join(DEPLOY, 'make-acl.sh'), [
      ...principals.units.map((p) => `unit:${p}`),
      ...principals.hospitals.map((p) => `hospital:${p}`),
      ...principals.dispatch.map((p) => `dispatch:${p}`),
    ]);
    writeFileSync(join(pki.dir, 'acl'), acl, { mode: 0o644 });
    const user = dropUser();
    if (user !== undefined) {
      // /etc/mosquitto and /var/lib/mosquitto as Debian's package makes them: the path is traversable
      // and the data directory belongs to the broker's user.
      chmodSync(dir, 0o711);
      chownSync(data, user.uid, user.gid);
    }
    const port = await freePort();
    const config = join(dir, 'mosquitto.conf');
    writeFileSync(
      config,
      execFileSync(join(DEPLOY, 'make-conf.sh'), [pki.dir, data, String(port), '127.0.0.1']),
    );
    const broker = new MosquittoBroker(dir, port, pki, config);
    await broker.start();
    return broker;
  }

  /** Revokes the principal's certificate and rewrites crl.pem (the broker reads it again on reload()). */
  revoke(principal: string): void {
    execFileSync(join(DEPLOY, 'make-test-pki.sh'), ['--revoke', this.pki.dir, principal], { stdio: 'pipe' });
  }

  get url(): string {
    return `mqtts://localhost:${this.port}`;
  }

  /** The running broker's process id (its /proc entry shows the user it runs as). */
  get pid(): number | undefined {
    return this.#child?.exitCode === null ? this.#child.pid : undefined;
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

  /** SIGHUP, what `systemctl reload mosquitto` sends: Mosquitto reads its ACL and CRL again. */
  reload(): void {
    this.#child?.kill('SIGHUP');
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
