import { hash, timingSafeEqual } from 'node:crypto';

/**
 * Compares two secrets in constant time. Both are hashed to a fixed length first, so neither the
 * content nor the length of the expected secret leaks through timing.
 */
export function secretsEqual(given: string, expected: string): boolean {
  return secretMatchesDigest(given, secretDigest(expected));
}

/**
 * The fixed-length digest {@link secretMatchesDigest} compares against: a caller that checks many
 * values against one secret (the API token, on every Workflow API call) computes it once.
 */
export function secretDigest(secret: string): Buffer {
  // crypto.hash is the one-shot form of createHash(…).update(…).digest(): half the CPU for a short input.
  return hash('sha256', secret, 'buffer');
}

/** True when `given` is the secret of `expectedDigest` ({@link secretDigest}), in constant time. */
export function secretMatchesDigest(given: string, expectedDigest: Buffer): boolean {
  return timingSafeEqual(secretDigest(given), expectedDigest);
}
