"use strict";
// AWS Signature Version 4 in the browser, with WebCrypto (SubtleCrypto is there in a secure
// context: https, or http://127.0.0.1 and localhost). Signs as botocore does for a non-S3
// service: the headers signed are host, x-amz-date and x-amz-target when there is one (the browser
// may add others, which are not signed; it sets Host itself to location.host).

const sigv4Encoder = new TextEncoder();

function sigv4Hex(bytes) {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function sigv4Sha256Hex(text) {
  return sigv4Hex(await crypto.subtle.digest("SHA-256", sigv4Encoder.encode(text)));
}

async function sigv4Hmac(keyBytes, text) {
  const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, sigv4Encoder.encode(text)));
}

// RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ as %XX, '/' kept in paths.
function sigv4UriEncode(text, keepSlash) {
  const encoded = encodeURIComponent(text).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
  return keepSlash ? encoded.replace(/%2F/g, "/") : encoded;
}

// Returns the headers to send: `headers` (lower-case names) plus x-amz-date and authorization.
// `path` is the path as sent (already percent-encoded), `query` a list of [name, value] pairs.
async function sigv4Sign({ method, path, query, headers, body, key, service, now }) {
  if (!window.crypto || !crypto.subtle) {
    throw new Error("This browser offers no WebCrypto here: open the dashboard over https (or on 127.0.0.1) to sign in.");
  }
  const stamp = (now || new Date()).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const day = stamp.slice(0, 8);
  const all = Object.assign({}, headers, { host: location.host, "x-amz-date": stamp });
  const names = Object.keys(all).filter((n) => n === "host" || n.startsWith("x-amz-")).sort();
  const canonicalHeaders = names.map((n) => n + ":" + String(all[n]).trim().replace(/\s+/g, " ") + "\n").join("");
  const canonicalQuery = (query || [])
    .map(([n, v]) => [sigv4UriEncode(n, false), sigv4UriEncode(v, false)])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([n, v]) => n + "=" + v).join("&");
  // The path is encoded once more, as the AWS signers do for every service but S3.
  const canonical = [method, sigv4UriEncode(path, true), canonicalQuery, canonicalHeaders, names.join(";"),
    await sigv4Sha256Hex(body || "")].join("\n");
  const scope = [day, key.region, service, "aws4_request"].join("/");
  const toSign = ["AWS4-HMAC-SHA256", stamp, scope, await sigv4Sha256Hex(canonical)].join("\n");
  let signingKey = sigv4Encoder.encode("AWS4" + key.secret);
  for (const part of [day, key.region, service, "aws4_request"]) signingKey = await sigv4Hmac(signingKey, part);
  const signature = sigv4Hex(await sigv4Hmac(signingKey, toSign));
  const out = Object.assign({}, headers, { "x-amz-date": stamp });
  out.authorization = "AWS4-HMAC-SHA256 Credential=" + key.id + "/" + scope + ", SignedHeaders=" + names.join(";") +
    ", Signature=" + signature;
  return out;
}
