import { isSecretKey } from './secret-keys.js';

/** What a credential inside a URL is replaced with (a character no URL encoding changes). */
export const MASKED = '***';

// Query parameters of connection URLs that carry a credential besides the names isSecretKey knows:
// libpq's and node-postgres's `sslpassword` (the key's passphrase) and `sslkey` (the private key,
// a file path or, for some drivers, the key itself), and the short spellings some drivers accept.
const CONNECTION_SECRET_PARAMETERS = new Set(['sslpassword', 'sslkey', 'passphrase', 'pass', 'pwd']);

/** True when a URL query parameter of this name carries a credential. */
function isSecretParameter(name: string): boolean {
  return isSecretKey(name) || CONNECTION_SECRET_PARAMETERS.has(name.toLowerCase());
}

/**
 * `text` with every credential of a URL masked: the password of `user:password@`, and the values of
 * query parameters such as `password`, `sslpassword`, `sslkey`, `token` or `client_secret`, in any
 * letter case. The user name, host, port, path and other parameters are kept, so the line still
 * says where the server connects. Text the URL parser refuses is masked the same way by pattern
 * (from `://` to its last `@`, and secret-named `name=value` pairs).
 */
export function redactUrlCredentials(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return maskUnparsed(text);
  }
  let changed = false;
  if (url.password !== '') {
    url.password = MASKED;
    changed = true;
  }
  for (const name of new Set(url.searchParams.keys())) {
    if (!isSecretParameter(name)) continue;
    url.searchParams.set(name, MASKED);
    changed = true;
  }
  // An unchanged URL is returned as given (URL's own serialization could re-encode it).
  return changed ? url.toString() : text;
}

/**
 * Every URL inside free text (a log message, an error's text) with its credentials masked. Cheap
 * for text without `://`, which is nearly every log value.
 */
export function redactUrlsInText(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(/[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s"'<>]+/g, (url) => redactUrlCredentials(url));
}

function maskUnparsed(text: string): string {
  const schemeEnd = text.indexOf('://');
  const at = text.lastIndexOf('@');
  const withoutUserInfo = schemeEnd >= 0 && at > schemeEnd ? `${text.slice(0, schemeEnd + 3)}${MASKED}${text.slice(at)}` : text;
  return withoutUserInfo.replace(/([?&;])([^=&;#\s]+)=([^&;#\s]*)/g, (pair, separator: string, name: string) =>
    isSecretParameter(safeDecode(name)) ? `${separator}${name}=${MASKED}` : pair,
  );
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
