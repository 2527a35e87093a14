/**
 * Base64 known as a secret by what it decodes to, not by its shape (./redact.ts's rule for a run of the alphabet):
 * a path, a digest, a certificate or a destination hidden so stay.
 */

/**
 * Whether `run` is canonical base64 of `user:secret`, of text holding a credential (what `redact` changes), or of a
 * private key's DER.
 */
export function encodedSecret(run: string, redact: (text: string) => string): boolean {
  if (run.length % 4 === 1) return false;
  const bytes = Buffer.from(run, 'base64');
  if (bytes.toString('base64').replace(/=+$/, '') !== run.replace(/=+$/, '')) return false;
  if (run.length >= 64 && privateKeyDer(bytes)) return true;
  const text = bytes.toString('latin1');
  if (!/^[\x20-\x7e\t\r\n]+$/.test(text)) return false;
  // The Basic scheme's `user:secret`, also with the newline `echo user:secret | base64` leaves; not JSON (a JWT's
  // header, `{"alg":"RS256"}`, decodes to text with a colon), nor where a script sends to, hidden so: a URL (its
  // userinfo is taken below) or a host's port (`evil.example:443/up`, `localhost:8080`).
  // The user holds no colon (RFC 7617), so one colon is tried, not each of `a:a:a:…` to the end.
  if (/^[\x21-\x39\x3b-\x7e]+:[\x21-\x7e]{4,}\r?\n?$/.test(text) && !text.startsWith('{') && !hostOrUrl(text)) {
    return true;
  }
  // Shorter than the run, so this ends.
  return redact(text) !== text;
}

/** A URL (`scheme://…`) or a host's port (`host:443`, a path after it or not), ending with a newline or not. */
function hostOrUrl(text: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return true;
  const host = /^([^:\s]+):\d{1,5}(?:\/\S*)?\s*$/.exec(text)?.[1];
  return host !== undefined && (host === 'localhost' || host.includes('.'));
}

/**
 * A DER SEQUENCE whose first member is INTEGER 0 or 1, a version: PKCS#1's and PKCS#8's private keys (0), SEC 1's
 * EC key (1). A certificate's starts with a SEQUENCE, and stays.
 */
function privateKeyDer(der: Buffer): boolean {
  if (der[0] !== 0x30 || der.length < 8) return false;
  const lengthBytes = (der[1] ?? 0) & 0x80 ? (der[1] ?? 0) & 0x7f : 0;
  const at = 2 + lengthBytes;
  return der[at] === 0x02 && der[at + 1] === 0x01 && (der[at + 2] === 0x00 || der[at + 2] === 0x01);
}
