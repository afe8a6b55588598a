"""PyJWT's side of jwt-claims' interop tests (tests/integration/interop.rs).

    python pyjwt_tool.py mint   < jobs.json > tokens.json
    python pyjwt_tool.py verify < jobs.json > results.json

A mint job is {"alg", "key", "header", "claims"}: the token PyJWT makes of
those claims with `header` (here: `typ`) added. A verify job is {"alg",
"key", "token", "typ", "audience", "issuer", "now"}: PyJWT verifies the
token with only `alg` allowed, the audience, the issuer and `exp`/`iat`
required; the script then requires the `typ` header, which PyJWT does not
check. A key is {"pem": path} (PKCS#8 private key to mint, SubjectPublicKeyInfo
to verify) or {"secret": base64url} for HMAC.

PyJWT reads the clock itself, so the time checks run after decoding through
PyJWT's own `_validate_iat`, `_validate_nbf` and `_validate_exp` with the
job's fixed `now` (private methods: the pinned version in requirements.txt
has them with this signature).
"""

import base64
import json
import sys

import jwt


def load_key(spec):
    if "secret" in spec:
        secret = spec["secret"]
        return base64.urlsafe_b64decode(secret + "=" * (-len(secret) % 4))
    with open(spec["pem"], "rb") as pem:
        return pem.read()


def mint(job):
    return jwt.encode(
        job["claims"],
        load_key(job["key"]),
        algorithm=job["alg"],
        headers=job.get("header", {}),
    )


def verify(job):
    try:
        decoded = jwt.decode_complete(
            job["token"],
            load_key(job["key"]),
            algorithms=[job["alg"]],
            audience=job["audience"],
            issuer=job["issuer"],
            options={
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
                "require": ["exp", "iat", "iss", "aud"],
            },
        )
        payload, header = decoded["payload"], decoded["header"]
        checks = jwt.PyJWT()
        now = job["now"]
        checks._validate_iat(payload, now, 0)
        if "nbf" in payload:
            checks._validate_nbf(payload, now, 0)
        checks._validate_exp(payload, now, 0)
        if header.get("typ") != job["typ"]:
            raise jwt.InvalidTokenError(
                f"typ header is {header.get('typ')!r}, expected {job['typ']!r}"
            )
        return {"ok": True, "header": header, "claims": payload}
    except jwt.PyJWTError as err:
        return {"ok": False, "error": f"{type(err).__name__}: {err}"}


def main():
    command = sys.argv[1]
    jobs = json.load(sys.stdin)["jobs"]
    if command == "mint":
        out = {"tokens": [mint(job) for job in jobs]}
    elif command == "verify":
        out = {"results": [verify(job) for job in jobs]}
    else:
        sys.exit(f"unknown command {command!r}: mint or verify")
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
