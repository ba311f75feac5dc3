import { X509Certificate, constants, createHash, verify } from 'node:crypto';
import { err, ok, type Result } from '../core/index.js';
import { IdentifyErrorCode } from './outcomes.js';
import { SHA256_DIGEST_INFO_PREFIX } from './jpki.js';

/** A certificate the gateway trusts as an issuer of user-auth certificates (J-LIS CA, or the test CA). */
export interface TrustAnchor {
  readonly certificate: X509Certificate;
}

/** Parses PEM text holding one or more certificates. */
export const parseTrustAnchors = (pem: string): Result<readonly TrustAnchor[], string> => {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) return err('no PEM certificate found');
  const anchors: TrustAnchor[] = [];
  for (const block of blocks) {
    try {
      anchors.push({ certificate: new X509Certificate(block) });
    } catch {
      return err('a PEM block is not a valid certificate');
    }
  }
  return ok(anchors);
};

export interface CheckedCertificate {
  readonly certificate: X509Certificate;
  /** Upper-case hex without separators. */
  readonly serial: string;
  /** The issuer DN, comma-separated (a CA name, not personal data). */
  readonly issuer: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export interface CertificateError {
  readonly code: IdentifyErrorCode;
  readonly detail: string;
}

const fail = (code: IdentifyErrorCode, detail: string): Result<never, CertificateError> =>
  err({ code, detail });

/**
 * Local checks of the user-auth certificate: it parses, it is signed by one of the trust anchors
 * (RFC 5280 §6.1, one level as J-LIS issues user-auth certificates directly from the CA), and `now`
 * lies within both its and the anchor's validity.
 */
export const checkCertificate = (
  der: Uint8Array,
  anchors: readonly TrustAnchor[],
  now: number,
): Result<CheckedCertificate, CertificateError> => {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(der);
  } catch {
    return fail(IdentifyErrorCode.certificateCorrupt, 'the certificate is not valid DER X.509');
  }
  const issuer = anchors.find(
    (a) => certificate.checkIssued(a.certificate) && certificate.verify(a.certificate.publicKey),
  );
  if (issuer === undefined)
    return fail(IdentifyErrorCode.certificateUntrusted, 'no trust anchor issued this certificate');
  const notBefore = new Date(certificate.validFrom);
  const notAfter = new Date(certificate.validTo);
  if (now < notBefore.getTime()) return fail(IdentifyErrorCode.certificateNotYetValid, 'before notBefore');
  if (now > notAfter.getTime()) return fail(IdentifyErrorCode.certificateExpired, 'after notAfter');
  if (now > new Date(issuer.certificate.validTo).getTime())
    return fail(IdentifyErrorCode.certificateExpired, 'the issuing CA certificate has expired');
  return ok({
    certificate,
    serial: certificate.serialNumber.toUpperCase(),
    issuer: certificate.issuer.split('\n').join(', '),
    notBefore,
    notAfter,
  });
};

/** SHA-256 DigestInfo of a challenge: what the card pads and signs with P1 00. */
export const digestInfo = (challenge: Uint8Array): Uint8Array => {
  const hash = createHash('sha256').update(challenge).digest();
  return Buffer.concat([SHA256_DIGEST_INFO_PREFIX, hash]);
};

/** Verifies an RSASSA-PKCS1-v1_5 SHA-256 signature (RFC 8017 §8.2.2) with the certificate's key. */
export const verifyChallengeSignature = (
  certificate: X509Certificate,
  challenge: Uint8Array,
  signature: Uint8Array,
): boolean => {
  try {
    return verify(
      'sha256',
      challenge,
      { key: certificate.publicKey, padding: constants.RSA_PKCS1_PADDING },
      signature,
    );
  } catch {
    return false;
  }
};
