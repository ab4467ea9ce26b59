/**
 * Base64 (RFC 4648) encode/decode over bytes and UTF-8 text, pure TypeScript so the renderer (base64
 * helper, decoded AUTH values), the dissectors and the RPC layer share one implementation. Decoding is
 * lenient about whitespace and missing padding, strict about the alphabet: invalid input → undefined.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** base64Encode encodes bytes. */
export function base64Encode(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + '==';
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + '=';
  }
  return out;
}

/** base64Decode decodes base64 text, or returns undefined when it is not valid base64. */
export function base64Decode(text: string): Uint8Array | undefined {
  const clean = text.replace(/[\s]/g, '');
  let end = clean.length;
  while (end > 0 && clean[end - 1] === '=') end--;
  if (clean.length - end > 2) return undefined;
  if (end % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const v = LOOKUP[clean.charCodeAt(i) & 0xff];
    if (v < 0 || clean.charCodeAt(i) > 0xff) return undefined;
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 0xff;
    }
  }
  return out.subarray(0, o);
}

/** base64EncodeText encodes text as UTF-8 then base64 (the handout's "test_20130418" → dGVzdF8y…). */
export function base64EncodeText(text: string): string {
  return base64Encode(new TextEncoder().encode(text));
}

/** base64DecodeText decodes base64 to UTF-8 text (invalid UTF-8 becomes U+FFFD), or undefined. */
export function base64DecodeText(text: string): string | undefined {
  const bytes = base64Decode(text);
  return bytes === undefined ? undefined : new TextDecoder('utf-8').decode(bytes);
}
