#!/usr/bin/env python3
"""Seeds the fuzz corpora from the test suite's vectors and keys.

    python3 fuzz/seed.py

Writes fuzz/corpus/<target>/seed-*: the published tokens of tests/vectors
(raw mode) and crafted multi-level inputs for the decode targets (the
format is in fuzz/src/lib.rs), and every key of tests/keys and
tests/vectors as PEM, DER, JWK and JWK Set for import_key. For
decrypt_jwe (its format is in fuzz/fuzz_targets/decrypt_jwe.rs): crafted
headers for every key and content encryption, the published JWEs of
tests/vectors/jwe, and, with the `cryptography` package, valid JWEs to the
target's keys (tests/interop/jwe_keys) made here, with randomness fixed so
that a run writes the same files. Idempotent: files are named after their
content; what the fuzzer added is kept.
"""

import base64
import hashlib
import hmac
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
KEYS = ROOT / "tests" / "keys"
VECTORS = ROOT / "tests" / "vectors"
JWE_KEYS = ROOT / "tests" / "interop" / "jwe_keys"

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


# ----- decrypt_jwe -----

SECRET = b"jwt-claims fuzzing secret 32 b!!"

# The target's keys, in its order: (alg, JWK file, kid).
JWE_RECIPIENTS = [
    ("A128KW", "oct16", "jwe-oct16"),
    ("dir", "oct32", "jwe-oct32"),
    ("A256KW", "oct32", "jwe-oct32-kw"),
    ("ECDH-ES+A256KW", "p256", "jwe-p256"),
    ("ECDH-ES", "x25519", "jwe-x25519"),
    ("RSA-OAEP-256", "rsa2048", "jwe-rsa2048"),
]

# The target's fixed ephemeral keys: RFC 7518 Appendix C's and RFC 7748's Alice.
EPHEMERAL = {
    "P-256": {"kty": "EC", "crv": "P-256",
              "x": "gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0",
              "y": "SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps",
              "d": "0_NxaRPUMQoAJt50Gz8YiTr8gRTwyEaCumd-MToTmIo"},
    "X25519": {"kty": "OKP", "crv": "X25519",
               "x": "hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo",
               "d": "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo"},
}

KEY_LEN = {"A128GCM": 16, "A256GCM": 32, "A128CBC-HS256": 32, "A256CBC-HS512": 64}
# Content encryptions a `dir` key of 32 bytes can do.
DIR_ENCS = ["A256GCM", "A128CBC-HS256"]
ENCS = list(KEY_LEN)


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def fixed_bytes(label, n):
    """n bytes that only depend on label: the seeds' randomness."""
    out = b""
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(f"{label}/{counter}".encode()).digest()
        counter += 1
    return out[:n]


def hs256_jws(header, claims):
    signing_input = b64url(dumps(header)) + "." + b64url(dumps(claims))
    tag = hmac.new(SECRET, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64url(tag)


def sealed_claims(**extra):
    return {"iss": ISSUER, "aud": "fuzz", "exp": NOW + 300, "iat": NOW, "note": "n", **extra}


def sealed_jws():
    """An encrypted purpose's inner token, carrying a scope token."""
    scope = hs256_jws({"alg": "HS256", "typ": "scope"}, claims(scope="read"))
    return hs256_jws({"alg": "HS256", "typ": "sealed"}, sealed_claims(inner=scope))


def concat_kdf(z, algorithm_id, apu, apv, length):
    other = b""
    for field in (algorithm_id.encode(), apu, apv):
        other += len(field).to_bytes(4, "big") + field
    other += (length * 8).to_bytes(4, "big")
    out = b""
    counter = 1
    while len(out) < length:
        out += hashlib.sha256(counter.to_bytes(4, "big") + z + other).digest()
        counter += 1
    return out[:length]


def mgf1_sha256(seed, length):
    out = b""
    counter = 0
    while len(out) < length:
        out += hashlib.sha256(seed + counter.to_bytes(4, "big")).digest()
        counter += 1
    return out[:length]


def rsa_oaep256(jwk, message, seed):
    """RSAES-OAEP with SHA-256 and a fixed seed (RFC 8017 §7.1.1)."""
    n = int.from_bytes(b64url_decode(jwk["n"]), "big")
    e = int.from_bytes(b64url_decode(jwk["e"]), "big")
    k = (n.bit_length() + 7) // 8
    lhash = hashlib.sha256(b"").digest()
    db = lhash + b"\x00" * (k - len(message) - 2 * 32 - 2) + b"\x01" + message
    masked_db = bytes(a ^ b for a, b in zip(db, mgf1_sha256(seed, k - 33)))
    masked_seed = bytes(a ^ b for a, b in zip(seed, mgf1_sha256(masked_db, 32)))
    em = int.from_bytes(b"\x00" + masked_seed + masked_db, "big")
    return pow(em, e, n).to_bytes(k, "big")


def agree(jwk):
    """Z between the fixed ephemeral key of jwk's curve and jwk."""
    from cryptography.hazmat.primitives.asymmetric import ec, x25519
    ephemeral = EPHEMERAL[jwk["crv"]]
    if jwk["crv"] == "X25519":
        private = x25519.X25519PrivateKey.from_private_bytes(b64url_decode(ephemeral["d"]))
        public = x25519.X25519PublicKey.from_public_bytes(b64url_decode(jwk["x"]))
        return private.exchange(public)
    private = ec.derive_private_key(int.from_bytes(b64url_decode(ephemeral["d"]), "big"),
                                    ec.SECP256R1())
    public = ec.EllipticCurvePublicNumbers(int.from_bytes(b64url_decode(jwk["x"]), "big"),
                                           int.from_bytes(b64url_decode(jwk["y"]), "big"),
                                           ec.SECP256R1()).public_key()
    return private.exchange(ec.ECDH(), public)


def content_encrypt(enc, cek, iv, aad, plaintext):
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    if enc.endswith("GCM"):
        sealed = AESGCM(cek).encrypt(iv, plaintext, aad)
        return sealed[:-16], sealed[-16:]
    half = len(cek) // 2
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plaintext) + padder.finalize()
    encryptor = Cipher(algorithms.AES(cek[half:]), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(padded) + encryptor.finalize()
    digest = hashlib.sha256 if enc == "A128CBC-HS256" else hashlib.sha512
    mac = hmac.new(cek[:half], aad + iv + ciphertext + (len(aad) * 8).to_bytes(8, "big"),
                   digest).digest()
    return ciphertext, mac[:half]


def jwe_encrypt(alg, enc, jwk, plaintext, **members):
    """A compact JWE of plaintext to jwk, its randomness fixed by its inputs."""
    from cryptography.hazmat.primitives import keywrap
    label = f"{alg}/{enc}/{sorted(members.items())}/{plaintext!r}"
    header = {"alg": alg, "enc": enc, **members}
    cek = fixed_bytes(label + "/cek", KEY_LEN[enc])
    encrypted_key = b""
    if alg == "dir":
        cek = b64url_decode(jwk["k"])
    elif alg in ("A128KW", "A256KW"):
        encrypted_key = keywrap.aes_key_wrap(b64url_decode(jwk["k"]), cek)
    elif alg == "RSA-OAEP-256":
        encrypted_key = rsa_oaep256(jwk, cek, fixed_bytes(label + "/oaep", 32))
    else:
        ephemeral = EPHEMERAL[jwk["crv"]]
        header["epk"] = {k: v for k, v in ephemeral.items() if k != "d"}
        apu = b64url_decode(members.get("apu", ""))
        apv = b64url_decode(members.get("apv", ""))
        z = agree(jwk)
        if alg == "ECDH-ES":
            cek = concat_kdf(z, enc, apu, apv, KEY_LEN[enc])
        else:
            kek = concat_kdf(z, alg, apu, apv, 16 if alg.endswith("A128KW") else 32)
            encrypted_key = keywrap.aes_key_wrap(kek, cek)
    iv = fixed_bytes(label + "/iv", 12 if enc.endswith("GCM") else 16)
    protected = b64url(dumps(header))
    ciphertext, tag = content_encrypt(enc, cek, iv, protected.encode(), plaintext)
    return ".".join([protected, b64url(encrypted_key), b64url(iv), b64url(ciphertext), b64url(tag)])


def jwe_encs(alg):
    return DIR_ENCS if alg == "dir" else ENCS


def jwe_corpus():
    target = "decrypt_jwe"
    # Crafted (mode bit 0 clear): header 0xFD plaintext [0xFD edits].
    scope = dumps({"alg": "HS256", "typ": "scope"}) + b"\xfe" + dumps(claims(scope="read"))
    sealed = dumps({"alg": "HS256", "typ": "sealed"}) + b"\xfe" + dumps(sealed_claims(inner="$$"))
    for index, (alg, _, kid) in enumerate(JWE_RECIPIENTS):
        ecdh = alg.startswith("ECDH-ES")
        for enc in jwe_encs(alg):
            header = b'{"alg":"' + alg.encode() + b'","enc":"' + enc.encode() + b'"'
            epk = b',"epk":{$$}' if ecdh else b""
            plain = header + epk + b"}"
            named = header + b',"kid":"' + kid.encode() + b'"' + epk
            if ecdh:
                named += b',"apu":"QWxpY2U","apv":"Qm9i"'
            nested = named + b',"cty":"JWT","typ":"sealed"}'
            named += b',"typ":"secret+jwe","cty":"text/plain"}'
            mode = index << 1
            write(target, bytes([mode]) + plain + b"\xfd" + b"attack at dawn")
            write(target, bytes([mode]) + named + b"\xfd")
            write(target, bytes([mode | 0x20]) + named + b"\xfd" + b"\x00" * 40)
            write(target, bytes([mode | 0x10]) + nested + b"\xfd" + sealed + b"\xff" + scope)
            # One edit: a byte of the tag (offset 0xFFFF wraps to the end).
            write(target, bytes([mode]) + plain + b"\xfd" + b"x" * 17 + b"\xfd\xff\xff\x41")
    # Refused headers, crafted: the target still builds a token around them.
    for header in [b'{"alg":"RSA1_5","enc":"A128GCM"}',
                   b'{"alg":"PBES2-HS256+A128KW","enc":"A128GCM","p2s":"AAAA","p2c":100000000}',
                   b'{"alg":"A128KW","enc":"A128GCM","zip":"DEF"}',
                   b'{"alg":"A128KW","enc":"A128GCM","crit":["exp"],"exp":1}',
                   b'{"alg":"A128KW","enc":"A128GCM","alg":"dir"}',
                   b'{"alg":"ECDH-ES","enc":"A256GCM","epk":{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}}',
                   b'{"alg":"ECDH-ES","enc":"A256GCM","epk":{$$,"d":"AA"}}',
                   b'{"alg":"ECDH-ES","enc":"A256GCM","epk":{"kty":"OKP","crv":"X25519","x":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}}',
                   b'{"alg":"dir","enc":"A192GCM"}',
                   b'{"alg":"none","enc":"A128GCM","jwk":{"kty":"oct","k":"AA"}}']:
        write(target, bytes([0]) + header + b"\xfd" + b"p")
        write(target, bytes([4 << 1]) + header + b"\xfd" + b"p")
    # Raw (mode bit 0 set): the published examples.
    for path in sorted((VECTORS / "jwe").glob("rfc75*.json")):
        vector = json.loads(path.read_text())
        if "compact" in vector:
            write(target, b"\x01" + vector["compact"].encode())
    # Raw: valid JWEs to the target's keys, nested and not.
    try:
        import cryptography  # noqa: F401
    except ImportError:
        print("decrypt_jwe: no `cryptography` package, so no valid raw JWEs")
        return
    for alg, name, kid in JWE_RECIPIENTS:
        jwk = json.loads((JWE_KEYS / f"{name}.jwk.json").read_text())
        for enc in jwe_encs(alg):
            members = {"kid": kid}
            if alg.startswith("ECDH-ES"):
                members.update(apu="QWxpY2U", apv="Qm9i")
            token = jwe_encrypt(alg, enc, jwk, b"attack at dawn", **members)
            write(target, b"\x01" + token.encode())
            write(target, b"\x21" + token.encode())
            token = jwe_encrypt(alg, enc, jwk, sealed_jws().encode(), cty="JWT", **members)
            write(target, b"\x01" + token.encode())


def main():
    decode_corpora()
    key_corpus()
    jwe_corpus()
    for target in sorted(CORPUS.iterdir()):
        print(f"{target.name}: {len(list(target.iterdir()))} inputs")


if __name__ == "__main__":
    main()
