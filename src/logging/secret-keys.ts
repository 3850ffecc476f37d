// Compared after lower-casing and dropping `-` and `_`, so `client_secret`, `Client-Secret`
// and `clientSecret` all match.
const SECRET_KEYS = new Set([
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'apitoken',
  'apikey',
  'password',
  'passwordhash',
  'clientsecret',
  'secret',
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
]);

/** True when a property of this name holds a secret that must never be logged. */
export function isSecretKey(key: string): boolean {
  const lower = key.toLowerCase();
  return SECRET_KEYS.has(lower.includes('-') || lower.includes('_') ? lower.replace(/[-_]/g, '') : lower);
}
