// The `jose` package's side of jwt-claims' interop tests
// (tests/integration/interop.rs).
//
//     node jose_tool.mjs mint           < jobs.json > tokens.json
//     node jose_tool.mjs verify         < jobs.json > results.json
//     node jose_tool.mjs encrypt        < jobs.json > tokens.json
//     node jose_tool.mjs decrypt        < jobs.json > results.json
//     node jose_tool.mjs sign_encrypt   < jobs.json > tokens.json
//     node jose_tool.mjs decrypt_verify < jobs.json > results.json
//
// Input is {jobs: [...]}; output is {tokens: [...]} for the commands that
// make tokens and {results: [...]} for those that check them, one entry a
// job, in order. A job that cannot make its token stops the tool (non-zero
// exit, the error on stderr); a token that does not check out is a result
// {ok: false, error: "<jose error code>: <message>"}.
//
// JWS
//   A mint job is {alg, key, header, claims}: the token jose's SignJWT makes
//   of those claims with `header` (here: `typ`) added. A verify job is {alg,
//   key, token, typ, audience, issuer, now}: jose's jwtVerify with only
//   `alg` allowed, the `typ` (which jose compares as RFC 7515 §4.1.9 says),
//   the audience, the issuer, `exp` and `iat` required, and its clock fixed
//   at `now`; its result is {ok: true, header, claims}.
//
// JWE (compact serialization only)
//   An encrypt job is {alg, enc, key, plaintext_b64u, header?}: the compact
//   JWE jose's CompactEncrypt makes of the plaintext's bytes, for the
//   recipient `key`, with protected header {alg, enc, ...header} (`header`
//   adds members such as `cty` or `kid`, and may not set `alg` or `enc`).
//   A decrypt job is {alg, enc, key, token}: jose's compactDecrypt with only
//   that `alg` (keyManagementAlgorithms) and that `enc`
//   (contentEncryptionAlgorithms) allowed; its result is {ok: true,
//   plaintext_b64u, header} with `header` the protected header.
//
// Nested JWT (a JWS inside a JWE, RFC 7519 §5.2)
//   A sign_encrypt job is {sign: {alg, key, header, claims}, encrypt: {alg,
//   enc, key, header?}}: a mint job's token, encrypted as an encrypt job
//   would, with `cty: "JWT"` in the JWE's protected header.
//   A decrypt_verify job is {token, decrypt: {alg, enc, key}, verify: {alg,
//   key, typ, audience, issuer, now}} (`token` may also sit in `decrypt`):
//   a decrypt job, then a check that the JWE's `cty` says JWT (compared as
//   RFC 7515 §4.1.10 says: without regard to case, "application/"
//   implied), then a verify job on the plaintext; its result is {ok: true,
//   header, inner_header, claims} with `header` the JWE's protected header
//   and `inner_header` the JWS's.
//
// Keys. To sign or verify, a key is {pem: path} (PKCS#8 private key to sign,
// SubjectPublicKeyInfo to verify), {secret: base64url} for HMAC, or a JWK.
// To encrypt or decrypt, a key is a JWK, imported with jose's importJWK for
// the job's `alg`: the recipient's public key to encrypt (a private JWK is
// accepted, and only its public members are used), its private key to
// decrypt, and for `dir` and AES key wrap an oct JWK, for which {k} alone
// will do. jwe_keys/ holds fixed ones.

import { readFileSync } from 'node:fs';
import * as jose from 'jose';

// The members of a private JWK that its public key does not have.
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'];

function fromBase64url(text, what) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text)) {
    throw new TypeError(`${what} is not unpadded base64url`);
  }
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.toString('base64url') !== text) {
    throw new TypeError(`${what} is not canonical base64url`);
  }
  return new Uint8Array(bytes);
}

function toBase64url(bytes) {
  return Buffer.from(bytes).toString('base64url');
}

// A key to sign (`use` is 'sign') or verify with.
async function loadKey(spec, alg, use) {
  if (spec.kty !== undefined) {
    return jose.importJWK(spec, alg);
  }
  if (spec.secret !== undefined) {
    return new Uint8Array(Buffer.from(spec.secret, 'base64url'));
  }
  const pem = readFileSync(spec.pem, 'utf8');
  return use === 'sign' ? jose.importPKCS8(pem, alg) : jose.importSPKI(pem, alg);
}

// A key to encrypt to (`use` is 'encrypt') or decrypt with, from a JWK.
async function loadJweKey(jwk, alg, use) {
  if (jwk === null || typeof jwk !== 'object') {
    throw new TypeError('key must be a JWK object');
  }
  let key = jwk.kty === undefined && jwk.k !== undefined ? { kty: 'oct', ...jwk } : { ...jwk };
  if (use === 'encrypt' && key.kty !== 'oct') {
    key = Object.fromEntries(Object.entries(key).filter(([name]) => !PRIVATE_MEMBERS.includes(name)));
  }
  return jose.importJWK(key, alg);
}

// The protected header of a JWE: alg and enc first, then the extras.
function jweHeader(alg, enc, extra = {}) {
  for (const name of ['alg', 'enc']) {
    if (Object.hasOwn(extra, name)) {
      throw new TypeError(`header may not set "${name}": it is the job's`);
    }
  }
  return { alg, enc, ...extra };
}

function failure(err) {
  return { ok: false, error: `${err.code ?? err.name}: ${err.message}` };
}

async function mint(job) {
  const key = await loadKey(job.key, job.alg, 'sign');
  return new jose.SignJWT(job.claims)
    .setProtectedHeader({ alg: job.alg, ...(job.header ?? {}) })
    .sign(key);
}

// jose's jwtVerify as a verify job asks, throwing when the token fails.
async function checkJwt(token, job) {
  const key = await loadKey(job.key, job.alg, 'verify');
  return jose.jwtVerify(token, key, {
    algorithms: [job.alg],
    typ: job.typ,
    audience: job.audience,
    issuer: job.issuer,
    currentDate: new Date(job.now * 1000),
    requiredClaims: ['exp', 'iat'],
  });
}

async function verify(job) {
  try {
    const { payload, protectedHeader } = await checkJwt(job.token, job);
    return { ok: true, header: protectedHeader, claims: payload };
  } catch (err) {
    return failure(err);
  }
}

async function encryptBytes(plaintext, spec, extraHeader) {
  const key = await loadJweKey(spec.key, spec.alg, 'encrypt');
  return new jose.CompactEncrypt(plaintext)
    .setProtectedHeader(jweHeader(spec.alg, spec.enc, extraHeader))
    .encrypt(key);
}

// jose's compactDecrypt as a decrypt job asks, throwing when the token fails.
async function decryptCompact(token, spec) {
  const key = await loadJweKey(spec.key, spec.alg, 'decrypt');
  return jose.compactDecrypt(token, key, {
    keyManagementAlgorithms: [spec.alg],
    contentEncryptionAlgorithms: [spec.enc],
  });
}

async function encrypt(job) {
  return encryptBytes(fromBase64url(job.plaintext_b64u, 'plaintext_b64u'), job, job.header);
}

async function decrypt(job) {
  try {
    const { plaintext, protectedHeader } = await decryptCompact(job.token, job);
    return { ok: true, plaintext_b64u: toBase64url(plaintext), header: protectedHeader };
  } catch (err) {
    return failure(err);
  }
}

async function signEncrypt(job) {
  const jws = await mint(job.sign);
  return encryptBytes(new TextEncoder().encode(jws), job.encrypt, {
    ...(job.encrypt.header ?? {}),
    cty: 'JWT',
  });
}

// Whether a `cty` value names a JWT: media types compare without regard to
// case, and "application/" is implied when there is no "/" (RFC 7515 §4.1.10).
function ctyIsJwt(cty) {
  if (typeof cty !== 'string') {
    return false;
  }
  const type = cty.toLowerCase();
  return (type.includes('/') ? type : `application/${type}`) === 'application/jwt';
}

async function decryptVerify(job) {
  try {
    const { plaintext, protectedHeader } = await decryptCompact(job.token ?? job.decrypt.token, job.decrypt);
    if (!ctyIsJwt(protectedHeader.cty)) {
      return {
        ok: false,
        error: `NOT_NESTED: the JWE's cty is ${JSON.stringify(protectedHeader.cty)}, not JWT`,
      };
    }
    const inner = new TextDecoder('utf-8', { fatal: true }).decode(plaintext);
    const { payload, protectedHeader: innerHeader } = await checkJwt(inner, job.verify);
    return { ok: true, header: protectedHeader, inner_header: innerHeader, claims: payload };
  } catch (err) {
    return failure(err);
  }
}

const COMMANDS = {
  mint: ['tokens', mint],
  verify: ['results', verify],
  encrypt: ['tokens', encrypt],
  decrypt: ['results', decrypt],
  sign_encrypt: ['tokens', signEncrypt],
  decrypt_verify: ['results', decryptVerify],
};

const command = process.argv[2];
if (!Object.hasOwn(COMMANDS, command)) {
  console.error(`unknown command ${command}: one of ${Object.keys(COMMANDS).join(', ')}`);
  process.exit(2);
}
const [field, run] = COMMANDS[command];
const { jobs } = JSON.parse(readFileSync(0, 'utf8'));
const out = { [field]: await Promise.all(jobs.map(run)) };
process.stdout.write(JSON.stringify(out));
