#!/usr/bin/env python3
"""An independent envelope receiver, written from docs/protocol.md alone (no TypeScript consulted).

It proves the document is enough to build a receiver in another language. Input on stdin (JSON):
  {"ed25519Seed": hex, "x25519Secret": hex, "operatorPublicKey": base64, "directory": signed
   directory file text, "maxLifetimeMs": int, "maxClockSkewMs": int,
   "envelopes": [{"hex": envelope hex, "now": ms}, ...]}
Output on stdout (JSON): one result per envelope, in order, sharing one replay store:
  {"ok": true, "kind", "messageId", "sender", "senderRole", "createdAt", "expiresAt", "streamId",
   "sequence", "bodyHex"} or {"ok": false, "code": "ENVELOPE_..."}.
Uses libsodium (Debian package libsodium23) through ctypes.
"""
import base64
import ctypes
import ctypes.util
import json
import re
import sys
from datetime import datetime

_path = ctypes.util.find_library("sodium") or "libsodium.so.23"
sodium = ctypes.CDLL(_path)
if sodium.sodium_init() < 0:
    raise SystemExit("libsodium failed to initialise")

U8P = ctypes.c_char_p
SIZE = ctypes.c_size_t
ULL = ctypes.c_ulonglong
sodium.crypto_generichash.argtypes = [U8P, SIZE, U8P, ULL, U8P, SIZE]
sodium.crypto_sign_seed_keypair.argtypes = [U8P, U8P, U8P]
sodium.crypto_scalarmult_base.argtypes = [U8P, U8P]
sodium.crypto_box_seal_open.argtypes = [U8P, U8P, ULL, U8P, U8P]
sodium.crypto_sign_verify_detached.argtypes = [U8P, U8P, ULL, U8P]


def blake2b_128(data: bytes) -> bytes:
    out = ctypes.create_string_buffer(16)
    if sodium.crypto_generichash(out, 16, data, len(data), None, 0) != 0:
        raise RuntimeError("crypto_generichash failed")
    return out.raw


def key_id(ed25519_public: bytes, x25519_public: bytes) -> bytes:
    return blake2b_128(b"ems-gateway/key-id/v1" + ed25519_public + x25519_public)


def ed25519_public_from_seed(seed: bytes) -> bytes:
    pk = ctypes.create_string_buffer(32)
    sk = ctypes.create_string_buffer(64)
    sodium.crypto_sign_seed_keypair(pk, sk, seed)
    return pk.raw


def x25519_public(secret: bytes) -> bytes:
    out = ctypes.create_string_buffer(32)
    sodium.crypto_scalarmult_base(out, secret)
    return out.raw


def verify(signature: bytes, message: bytes, public_key: bytes) -> bool:
    return sodium.crypto_sign_verify_detached(signature, message, len(message), public_key) == 0


def seal_open(sealed: bytes, public_key: bytes, secret_key: bytes):
    if len(sealed) < 48:
        return None
    out = ctypes.create_string_buffer(len(sealed) - 48)
    if sodium.crypto_box_seal_open(out, sealed, len(sealed), public_key, secret_key) != 0:
        return None
    return out.raw


def iso_ms(text: str) -> int:
    return int(round(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000))


PRINCIPAL = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
KIND = re.compile(r"^[a-z0-9][a-z0-9.-]{0,63}$")


def load_directory(text: str, operator_public: bytes) -> dict:
    """Section "The key directory": verify the exact payload bytes, then check every entry."""
    outer = json.loads(text)
    if outer.get("format") != "ems-gateway/directory/v1":
        raise ValueError("not a directory")
    payload = outer["payload"]
    signature = base64.b64decode(outer["signature"], validate=True)
    if not verify(signature, b"ems-gateway/directory/v1\n" + payload.encode("utf-8"), operator_public):
        raise ValueError("directory signature does not verify")
    body = json.loads(payload)
    entries = {}
    for e in body["entries"]:
        ed = base64.b64decode(e["ed25519"], validate=True)
        x = base64.b64decode(e["x25519"], validate=True)
        kid = key_id(ed, x).hex()
        if kid != e["keyId"] or kid in entries or not PRINCIPAL.match(e["principal"]):
            raise ValueError("bad directory entry")
        valid_from, valid_until = iso_ms(e["validFrom"]), iso_ms(e["validUntil"])
        if not valid_from < valid_until:
            raise ValueError("bad validity period")
        entries[kid] = {
            "principal": e["principal"],
            "role": e["role"],
            "ed25519": ed,
            "validFrom": valid_from,
            "validUntil": valid_until,
            "revokedAt": iso_ms(e["revokedAt"]) if "revokedAt" in e else None,
        }
    return entries


class Reader:
    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise ValueError("short")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def uint(self, n: int) -> int:
        return int.from_bytes(self.take(n), "big")


def parse_signed(signed: bytes) -> dict:
    """Section "Signed": fixed fields, kind, body; nothing may follow the body."""
    r = Reader(signed)
    if r.take(4) != b"EMSS":
        raise ValueError("magic")
    fields = {"version": r.uint(1), "messageId": r.take(16), "senderKeyId": r.take(16),
              "recipientKeyId": r.take(16), "createdAt": r.uint(8), "expiresAt": r.uint(8),
              "streamId": r.take(16), "sequence": r.uint(8)}
    kind_length = r.uint(1)
    if not 1 <= kind_length <= 64:
        raise ValueError("kind length")
    kind = r.take(kind_length).decode("ascii")
    body_length = r.uint(4)
    if body_length > 1048576:
        raise ValueError("body length")
    body = r.take(body_length)
    if r.pos != len(signed) or not KIND.match(kind) or fields["expiresAt"] <= fields["createdAt"]:
        raise ValueError("structure")
    limit = 2**53 - 1
    if max(fields["createdAt"], fields["expiresAt"], fields["sequence"]) > limit:
        raise ValueError("range")
    fields.update(kind=kind, body=body)
    return fields


def open_envelope(wire, now, own, directory, replay, max_lifetime, max_skew) -> dict:
    """Section "Opening: the checks, in order"."""
    def fail(code):
        return {"ok": False, "code": code}

    if len(wire) > 1048576 + 295 or wire[:4] != b"EMSE":
        return fail("ENVELOPE_MALFORMED")
    if len(wire) < 5 or wire[4] != 1:
        return fail("ENVELOPE_UNSUPPORTED_VERSION")
    if len(wire) < 232:
        return fail("ENVELOPE_MALFORMED")
    recipient = wire[5:21]
    if recipient != own["keyId"]:
        return fail("ENVELOPE_NOT_FOR_US")
    inner = seal_open(wire[21:], own["x25519Public"], own["x25519Secret"])
    if inner is None:
        return fail("ENVELOPE_DECRYPT_FAILED")
    if len(inner) < 64:
        return fail("ENVELOPE_MALFORMED")
    signature, signed = inner[:64], inner[64:]
    try:
        m = parse_signed(signed)
    except (ValueError, UnicodeDecodeError):
        return fail("ENVELOPE_MALFORMED")
    if m["version"] != wire[4]:
        return fail("ENVELOPE_MALFORMED")
    if m["recipientKeyId"] != recipient:
        return fail("ENVELOPE_RECIPIENT_MISMATCH")
    sender = directory.get(m["senderKeyId"].hex())
    if sender is None:
        return fail("ENVELOPE_UNKNOWN_SENDER")
    if sender["revokedAt"] is not None and sender["revokedAt"] <= now:
        return fail("ENVELOPE_SENDER_KEY_REVOKED")
    if now < sender["validFrom"]:
        return fail("ENVELOPE_SENDER_KEY_NOT_YET_VALID")
    if now >= sender["validUntil"]:
        return fail("ENVELOPE_SENDER_KEY_EXPIRED")
    if not verify(signature, signed, sender["ed25519"]):
        return fail("ENVELOPE_BAD_SIGNATURE")
    if m["expiresAt"] - m["createdAt"] > max_lifetime:
        return fail("ENVELOPE_LIFETIME_TOO_LONG")
    if m["createdAt"] > now + max_skew:
        return fail("ENVELOPE_FROM_THE_FUTURE")
    if now >= m["expiresAt"]:
        return fail("ENVELOPE_EXPIRED")
    if m["messageId"] in replay:
        return fail("ENVELOPE_REPLAYED")
    replay[m["messageId"]] = m["expiresAt"] + max_skew
    return {"ok": True, "kind": m["kind"], "messageId": m["messageId"].hex(),
            "sender": sender["principal"], "senderRole": sender["role"],
            "createdAt": m["createdAt"], "expiresAt": m["expiresAt"],
            "streamId": m["streamId"].hex(), "sequence": m["sequence"], "bodyHex": m["body"].hex()}


def main() -> None:
    request = json.load(sys.stdin)
    seed = bytes.fromhex(request["ed25519Seed"])
    x_secret = bytes.fromhex(request["x25519Secret"])
    x_public = x25519_public(x_secret)
    own = {"keyId": key_id(ed25519_public_from_seed(seed), x_public),
           "x25519Public": x_public, "x25519Secret": x_secret}
    directory = load_directory(request["directory"],
                               base64.b64decode(request["operatorPublicKey"], validate=True))
    replay = {}
    results = [open_envelope(bytes.fromhex(e["hex"]), e["now"], own, directory, replay,
                             request["maxLifetimeMs"], request["maxClockSkewMs"])
               for e in request["envelopes"]]
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
