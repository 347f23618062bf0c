// An outside verifier of our Open Badges 3.0 VC-JWTs, as a wallet or an employer would run it:
// it is given nothing but the token and follows the URLs inside it. Uses panva's `jose` (the JOSE
// library of oidc-provider and many wallets) for every signature; the status list bitstring is
// decoded with Node's own zlib, independently of the platform's Python code.
//
//   node tests/peers/verify_badge.mjs <token>   → prints one JSON line with the findings
import { gunzipSync } from "node:zlib";
import { decodeProtectedHeader, importJWK, jwtVerify } from "jose";

async function fetchOk(url, accept) {
  const response = await fetch(url, { headers: { Accept: accept } });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response;
}

async function verifyJwt(token) {
  const header = decodeProtectedHeader(token);
  if (!/^https?:\/\//.test(header.kid ?? "")) throw new Error("kid is not a URL");
  const jwk = await (await fetchOk(header.kid, "application/json")).json();
  const key = await importJWK(jwk, header.alg);
  const { payload } = await jwtVerify(token, key, { typ: "JWT" });
  return { header, payload };
}

function bitAt(encodedList, index) {
  if (!encodedList.startsWith("u")) throw new Error("encodedList is not multibase base64url");
  const bits = gunzipSync(Buffer.from(encodedList.slice(1), "base64url"));
  if (bits.length * 8 < 131072) throw new Error("status list shorter than 16 KiB");
  return (bits[Math.floor(index / 8)] >> (7 - (index % 8))) & 1;
}

const token = process.argv[2];
const { header, payload } = await verifyJwt(token);
const subject = payload.credentialSubject ?? {};
const findings = {
  signature: "valid",
  kid: header.kid,
  subMatchesSubject: payload.sub === subject.id && Boolean(subject.id),
  issMatchesIssuer: payload.iss === (payload.issuer?.id ?? payload.issuer),
  jtiMatchesId: payload.jti === payload.id,
  nbfMatchesValidFrom: payload.nbf === Date.parse(payload.validFrom) / 1000,
  hasVcClaim: "vc" in payload,
  types: payload.type,
};
const issuer = await (await fetchOk(payload.issuer.id, "application/ld+json")).json();
findings.issuerProfile = issuer.type?.includes("Profile") && issuer.id === payload.issuer.id;
const achievement = await (await fetchOk(subject.achievement.id, "application/ld+json")).json();
findings.achievementResolves = achievement.id === subject.achievement.id;
const status = payload.credentialStatus;
const listToken = await (await fetchOk(status.statusListCredential, "application/vc+jwt")).text();
const list = await verifyJwt(listToken);
findings.statusListSigned = list.payload.type.includes("BitstringStatusListCredential");
findings.revoked =
  bitAt(list.payload.credentialSubject.encodedList, Number(status.statusListIndex)) === 1;
console.log(JSON.stringify(findings));
