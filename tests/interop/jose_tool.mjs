// The `jose` package's side of jwt-claims' interop tests
// (tests/integration/interop.rs).
//
//     node jose_tool.mjs mint   < jobs.json > tokens.json
//     node jose_tool.mjs verify < jobs.json > results.json
//
// A mint job is {alg, key, header, claims}: the token jose's SignJWT makes of
// those claims with `header` (here: `typ`) added. A verify job is {alg, key,
// token, typ, audience, issuer, now}: jose's jwtVerify with only `alg`
// allowed, the `typ` (which jose compares as RFC 7515 §4.1.9 says), the
// audience, the issuer, `exp` and `iat` required, and its clock fixed at
// `now`. A key is {pem: path} (PKCS#8 private key to mint,
// SubjectPublicKeyInfo to verify) or {secret: base64url} for HMAC.

import { readFileSync } from 'node:fs';
import * as jose from 'jose';

async function loadKey(spec, alg, use) {
  if (spec.secret !== undefined) {
    return new Uint8Array(Buffer.from(spec.secret, 'base64url'));
  }
  const pem = readFileSync(spec.pem, 'utf8');
  return use === 'sign' ? jose.importPKCS8(pem, alg) : jose.importSPKI(pem, alg);
}

async function mint(job) {
  const key = await loadKey(job.key, job.alg, 'sign');
  return new jose.SignJWT(job.claims)
    .setProtectedHeader({ alg: job.alg, ...(job.header ?? {}) })
    .sign(key);
}

async function verify(job) {
  try {
    const key = await loadKey(job.key, job.alg, 'verify');
    const { payload, protectedHeader } = await jose.jwtVerify(job.token, key, {
      algorithms: [job.alg],
      typ: job.typ,
      audience: job.audience,
      issuer: job.issuer,
      currentDate: new Date(job.now * 1000),
      requiredClaims: ['exp', 'iat'],
    });
    return { ok: true, header: protectedHeader, claims: payload };
  } catch (err) {
    return { ok: false, error: `${err.code ?? err.name}: ${err.message}` };
  }
}

const command = process.argv[2];
const { jobs } = JSON.parse(readFileSync(0, 'utf8'));
let out;
if (command === 'mint') {
  out = { tokens: await Promise.all(jobs.map(mint)) };
} else if (command === 'verify') {
  out = { results: await Promise.all(jobs.map(verify)) };
} else {
  console.error(`unknown command ${command}: mint or verify`);
  process.exit(2);
}
process.stdout.write(JSON.stringify(out));
