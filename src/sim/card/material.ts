import type * as X509 from '@peculiar/x509';
import { createPrivateKey, webcrypto, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cardholder, type Cardholder } from '../population.js';
import { SeededRandom } from '../random.js';

/**
 * Keys and certificates of the emulated cards, made on first use and kept in a state directory:
 * RSA-2048 generation is slow, and a card must keep its key and certificate across runs.
 *
 *   <state>/ca/ca.pem, ca-key.pem            the test CA (the trust anchor for demo and tests)
 *   <state>/cards/<seed>-<index>/…           one emulated card: key, certificates, PIN counters
 */
type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
const crypto = webcrypto;

/**
 * @peculiar/x509 (with reflect-metadata and its ASN.1 packages: ~2.6 MiB of heap), loaded with the
 * first certificate read or made: the in-process demo ambulance imports this folder for its reader
 * at start-up, but reads a card's certificates only on the first tap (issue 16).
 */
let x509Loaded: Promise<typeof X509> | undefined;
const loadX509 = (): Promise<typeof X509> =>
  (x509Loaded ??= (async () => {
    // tsyringe, under @peculiar/x509, needs the Reflect metadata API in place before it loads.
    await import('reflect-metadata');
    const x509 = await import('@peculiar/x509');
    x509.cryptoProvider.set(crypto as never);
    return x509;
  })());

const RSA: webcrypto.RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};

/** Not J-LIS: the name says it is the emulator's test CA, so it is never mistaken for the real one. */
export const TEST_CA_NAME =
  'C=JP, O=JPKI Test, OU=JPKI for user authentication, OU=ems-gateway card emulator test CA';

const DAY = 86_400_000;

export interface TestCa {
  readonly certificatePem: string;
  readonly certificateDer: Uint8Array;
  readonly signingKey: CryptoKey;
}

export interface CardMaterial {
  readonly holder: Cardholder;
  /** EF 000A: the user-auth certificate, DER. */
  readonly authCertificate: Uint8Array;
  /** The same holder's certificate with validity in the past (the `expired-cert` fault). */
  readonly expiredAuthCertificate: Uint8Array;
  /** EF 0001: the signature certificate, DER (readable only after the signature password). */
  readonly signCertificate: Uint8Array;
  /** EF 000B and EF 0002: the issuing CA's certificate, DER. */
  readonly caCertificate: Uint8Array;
  /** The card's private key (EF 0017; the emulator also signs with it for EF 001A). */
  readonly privateKey: KeyObject;
  /** Directory of this card's mutable state (PIN counters). */
  readonly dir: string;
}

const writeAtomic = async (file: string, data: string | Uint8Array): Promise<void> => {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, data, { mode: 0o600 });
  await rename(tmp, file);
};

const pem = (label: string, der: ArrayBuffer): string =>
  `-----BEGIN ${label}-----\n${Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd()}\n-----END ${label}-----\n`;

const importKey = (pkcs8Pem: string): Promise<CryptoKey> => {
  const der = createPrivateKey(pkcs8Pem).export({ type: 'pkcs8', format: 'der' });
  return crypto.subtle.importKey('pkcs8', der, RSA, true, ['sign']);
};

const newKeyPair = async (): Promise<{ keys: CryptoKeyPair; pkcs8Pem: string }> => {
  const keys = await crypto.subtle.generateKey(RSA, true, ['sign', 'verify']);
  return { keys, pkcs8Pem: pem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', keys.privateKey)) };
};

/** The test CA of a state directory, generated on first use. */
export const loadOrCreateTestCa = async (stateDir: string): Promise<TestCa> => {
  const x509 = await loadX509();
  const dir = join(stateDir, 'ca');
  const certFile = join(dir, 'ca.pem');
  const keyFile = join(dir, 'ca-key.pem');
  if (existsSync(certFile) && existsSync(keyFile)) {
    const certificatePem = await readFile(certFile, 'utf8');
    return {
      certificatePem,
      certificateDer: new Uint8Array(new x509.X509Certificate(certificatePem).rawData),
      signingKey: await importKey(await readFile(keyFile, 'utf8')),
    };
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const { keys, pkcs8Pem } = await newKeyPair();
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: TEST_CA_NAME,
    notBefore: new Date(now - 365 * DAY),
    notAfter: new Date(now + 20 * 365 * DAY),
    keys,
    signingAlgorithm: RSA,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  await writeAtomic(keyFile, pkcs8Pem);
  await writeAtomic(certFile, certificate.toString('pem'));
  return {
    certificatePem: certificate.toString('pem'),
    certificateDer: new Uint8Array(certificate.rawData),
    signingKey: keys.privateKey,
  };
};

/** The 5th birthday after `from` (J-LIS user-auth certificates end then). */
const fifthBirthdayAfter = (birthDate: string, from: number): Date => {
  const [, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  const year = new Date(from).getUTCFullYear();
  let end = Date.UTC(year + 5, m - 1, d, 14, 59, 59); // 23:59:59 JST
  if (end - from < 4 * 365 * DAY) end = Date.UTC(year + 6, m - 1, d, 14, 59, 59);
  return new Date(end);
};

/** A subject CN like J-LIS's: opaque alphanumerics, no name (jpki.md §4). */
const opaqueCn = (holder: Cardholder): string => {
  const rng = new SeededRandom(holder.seed).fork(`cn:${holder.index}`);
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
  return Array.from({ length: 22 }, () => rng.pick([...alphabet])).join('');
};

const issue = async (
  ca: TestCa,
  publicKey: CryptoKey,
  serialNumber: string,
  subject: string,
  notBefore: Date,
  notAfter: Date,
): Promise<Uint8Array> => {
  const x509 = await loadX509();
  const caCert = new x509.X509Certificate(ca.certificateDer);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber,
    subject,
    issuer: caCert.subject,
    notBefore,
    notAfter,
    publicKey,
    signingKey: ca.signingKey,
    signingAlgorithm: RSA,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return new Uint8Array(cert.rawData);
};

const serialAfter = (hex: string): string => (BigInt(`0x${hex}`) + 1n).toString(16).toUpperCase();

/** One emulated card of the deterministic population, issued by the state directory's test CA. */
export const loadOrCreateCard = async (
  stateDir: string,
  seed: number,
  index: number,
): Promise<CardMaterial> => {
  const holder = cardholder(seed, index);
  const ca = await loadOrCreateTestCa(stateDir);
  const dir = join(stateDir, 'cards', `${seed}-${index}`);
  const files = {
    key: join(dir, 'auth-key.pem'),
    auth: join(dir, 'auth.der'),
    expired: join(dir, 'auth-expired.der'),
    sign: join(dir, 'sign.der'),
  };
  if (!Object.values(files).every((f) => existsSync(f))) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const { keys, pkcs8Pem } = await newKeyPair();
    const now = Date.now();
    const issued = new Date(Math.floor((now - 30 * DAY) / DAY) * DAY);
    const subject = `C=JP, CN=${opaqueCn(holder)}`;
    const auth = await issue(
      ca,
      keys.publicKey,
      holder.certificateSerial,
      subject,
      issued,
      fifthBirthdayAfter(holder.birthDate, issued.getTime()),
    );
    const expired = await issue(
      ca,
      keys.publicKey,
      holder.certificateSerial,
      subject,
      new Date(now - (5 * 365 + 60) * DAY),
      new Date(now - 60 * DAY),
    );
    const sign = await issue(
      ca,
      keys.publicKey,
      serialAfter(holder.certificateSerial),
      subject,
      issued,
      fifthBirthdayAfter(holder.birthDate, issued.getTime()),
    );
    await writeAtomic(files.auth, auth);
    await writeAtomic(files.expired, expired);
    await writeAtomic(files.sign, sign);
    await writeAtomic(files.key, pkcs8Pem); // last: its presence marks a complete card
  }
  return {
    holder,
    authCertificate: new Uint8Array(await readFile(files.auth)),
    expiredAuthCertificate: new Uint8Array(await readFile(files.expired)),
    signCertificate: new Uint8Array(await readFile(files.sign)),
    caCertificate: ca.certificateDer,
    privateKey: createPrivateKey(await readFile(files.key, 'utf8')),
    dir,
  };
};
