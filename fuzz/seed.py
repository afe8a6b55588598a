#!/usr/bin/env python3
"""Seeds the fuzz corpora from the test suite's vectors and keys.

    python3 fuzz/seed.py

Writes fuzz/corpus/<target>/seed-*: the published tokens of tests/vectors
(raw mode) and crafted multi-level inputs for the decode targets (the
format is in fuzz/src/lib.rs), and every key of tests/keys and
tests/vectors as PEM, DER, JWK and JWK Set for import_key. Idempotent:
files are named after their content; what the fuzzer added is kept.
"""

import base64
import hashlib
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
KEYS = ROOT / "tests" / "keys"
VECTORS = ROOT / "tests" / "vectors"

NOW = 1_700_000_000
ISSUER = "https://auth.example.com"
PARTNER = "https://partner.example.com"

ALGORITHMS = ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512",
              "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"]


def write(target, data):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    name = "seed-" + hashlib.sha256(data).hexdigest()[:16]
    (folder / name).write_bytes(data)


def dumps(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def crafted(levels):
    """Levels of (header, payload): header a dict, payload a dict or bytes."""
    parts = []
    for header, payload in levels:
        body = payload if isinstance(payload, bytes) else dumps(payload)
        parts.append(dumps(header) + b"\xfe" + body)
    return b"\xff".join(parts)


def header(typ, **extra):
    return {"alg": "HS256", "typ": typ, **extra}


def claims(aud="fuzz", ttl=300, **extra):
    return {"iss": ISSUER, "aud": aud, "exp": NOW + ttl, "iat": NOW, **extra}


def scope_level():
    return (header("scope"), claims(scope="read"))


def delegation_level(inner=True):
    extra = {"inner": "$$"} if inner else {}
    return (header("delegation"), claims(aud=["fuzz"], on_behalf_of="alice", **extra))


def access_level(grant=True, grants=2):
    extra = {"grant": "$$"} if grant else {}
    return (header("access"), claims(ttl=900, sub="user-1", org_id=7,
                                     grants=["$$"] * grants, **extra))


def decode_seeds():
    """(mode byte for decode_typed, input) pairs; decode_policy reuses them."""
    tokens = sorted(VECTORS.glob("*.jws"))
    seeds = []
    for path in tokens:
        for kind in range(4):
            seeds.append((1 | kind << 1, path.read_text().strip().encode()))
    # Access (kind 0): access → delegation → scope, and flatter variants.
    seeds.append((0, crafted([access_level(), delegation_level(), scope_level()])))
    seeds.append((0, crafted([access_level(grants=0), delegation_level(inner=False)])))
    seeds.append((0, crafted([access_level(grant=False, grants=0)])))
    seeds.append((0, crafted([(header("access", kid="k1"),
                               claims(ttl=900, sub="u", org_id=1, grants=[], nbf=NOW - 5,
                                      jti="j", extra={"a": [1, 2.5, None, True]}))])))
    # Chain (kind 1): five links, and eight (past the depth cap).
    for links in (5, 8):
        levels = [(header("chain"), claims(link=i, next="$$")) for i in range(links - 1)]
        levels.append((header("chain"), claims(link=links - 1)))
        seeds.append((2, crafted(levels)))
    # Gateway (kind 2): a wrapping token around the access chain.
    gateway = (header("gateway", cty="JWT"), b"$$")
    seeds.append((4, crafted([gateway, access_level(), delegation_level(), scope_level()])))
    seeds.append((4, crafted([gateway, access_level(grant=False, grants=0)])))
    # Flexible (kind 3): a flattened catch-all and its own issuer.
    flexible = {"iss": PARTNER, "aud": "fuzz", "exp": NOW + 900, "iat": NOW, "jti": "j-1",
                "org_id": 3, "x": {"y": [1, "z", {"w": None}]}, "note": "ü\u2028\"\\"}
    seeds.append((6, crafted([(header("flex"), flexible)])))
    return seeds


def decode_corpora():
    for mode, data in decode_seeds():
        write("decode_typed", bytes([mode]) + data)
        # decode_policy: the policy's typ is "access"; vary its options.
        for policy_bits in (0, 0x02, 0x04 | 0x08, 0x10, 0x20, 0x40, 0x60):
            write("decode_policy", bytes([(mode & 1) | policy_bits]) + data)


def pem_der(path):
    text = path.read_text()
    body = re.search(r"-----BEGIN [^-]+-----(.*?)-----END", text, re.S).group(1)
    return base64.b64decode("".join(body.split()))


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi")


def public_jwk(jwk):
    return {k: v for k, v in jwk.items() if k not in PRIVATE_MEMBERS}


# The RFC 7515 A.1, A.3 and RFC 8037 A.1 keys (tests/integration/support.rs).
RFC_JWKS = {
    "HS256": {"kty": "oct", "k": "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"},
    "ES256": {"kty": "EC", "crv": "P-256",
              "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
              "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
              "d": "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"},
    "EdDSA": {"kty": "OKP", "crv": "Ed25519",
              "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
              "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
}


def key_corpus():
    def key(alg, fmt, data):
        selector = ALGORITHMS.index(alg) + 12 * fmt
        write("import_key", bytes([selector]) + data)

    pems = {
        "rsa2048": ["RS256", "PS384"], "rsa2048-b": ["RS512"], "rsa2048.pkcs1": ["RS256"],
        "rsa1024": ["RS256"], "p256": ["ES256"], "p256-b": ["ES256"], "p256.sec1": ["ES256"],
        "p384": ["ES384"], "ed25519": ["EdDSA"],
    }
    for stem, algs in pems.items():
        for alg in algs:
            private = KEYS / f"{stem}.pem"
            key(alg, 0, private.read_bytes())
            key(alg, 2, pem_der(private))
            public = KEYS / f"{stem}.pub.pem"
            if public.exists():
                key(alg, 1, public.read_bytes())
                key(alg, 3, pem_der(public))
    key("ES256", 2, (KEYS / "p256.der").read_bytes())
    key("ES256", 3, (KEYS / "p256.pub.der").read_bytes())

    jwks = {
        "RS256": [json.loads((VECTORS / "rfc7515-a2-rsa.private.jwk.json").read_text()),
                  json.loads((VECTORS / "rfc7520-3.4-rsa.private.jwk.json").read_text())],
        "ES256": [RFC_JWKS["ES256"],
                  json.loads((VECTORS / "rfc7520-3.2-p521.private.jwk.json").read_text())],
        "EdDSA": [RFC_JWKS["EdDSA"]],
    }
    published = []
    for alg, keys in jwks.items():
        for jwk in keys:
            key(alg, 4, dumps(jwk))
            key(alg, 5, dumps(public_jwk(jwk)))
            published.append({**public_jwk(jwk), "alg": alg, "use": "sig"})
    hmac = [RFC_JWKS["HS256"], json.loads((VECTORS / "rfc7520-3.5-hmac.jwk.json").read_text())]
    for jwk in hmac:
        key("HS256", 6, dumps(jwk))
        # base64url secrets: selector with the high bit set, format 6.
        write("import_key", bytes([168 + ALGORITHMS.index("HS256")]) + jwk["k"].encode())
    write("import_key", bytes([168 + ALGORITHMS.index("HS512")]) + b64url(bytes(range(64))).encode())
    # JWK Sets (format 7): the public keys with kids, plus keys to skip.
    for i, jwk in enumerate(published):
        jwk.setdefault("kid", f"k{i}")
    skipped = [{"kty": "EC", "crv": "P-521", "alg": "ES512", "x": "AA", "y": "AA"},
               {**published[0], "kid": "enc", "use": "enc"}]
    key("ES256", 7, dumps({"keys": published}))
    key("ES256", 7, dumps({"keys": published[:1] + skipped}))
    key("ES256", 7, dumps({"keys": []}))


def main():
    decode_corpora()
    key_corpus()
    for target in sorted(CORPUS.iterdir()):
        print(f"{target.name}: {len(list(target.iterdir()))} inputs")


if __name__ == "__main__":
    main()
