import { createHash, generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import type { CryptoKey, JWK } from 'jose';
import type { JsonValue } from '../engine/types.js';
import { WaymarkError } from '../errors/index.js';
import { isWithin, type Clock } from '../services/clock.js';
import type { SettingsStore } from '../store/store.js';
import { loadJose } from './jose-module.js';

/** The settings key that holds the identity server's signing keys. */
export const SIGNING_KEYS_SETTING = 'identity.signingKeys';

/** The only algorithm Waymark signs and accepts access tokens with. */
export const SIGNING_ALGORITHM = 'RS256';

/** Size of the RSA modulus of new signing keys. */
const RSA_MODULUS_BITS = 2048;

const generateRsaKeyPair = promisify(generateKeyPair);

/** Lifetime of an access token, in seconds. */
export const ACCESS_TOKEN_LIFETIME_SECONDS = 3600;

/** Clock skew tolerated when checking `exp` and `nbf`, in seconds. */
export const CLOCK_SKEW_SECONDS = 30;

/** One signing key as stored in settings. The private JWK never leaves the server. */
interface StoredSigningKey {
  readonly kid: string;
  readonly privateJwk: JWK;
  readonly createdAt: string;
  /** When a newer key replaced it; tokens it signed stay valid until they expire. */
  readonly retiredAt: string | null;
}

/** A public key as published in the JWKS. */
export interface PublicSigningJwk {
  readonly kty: string;
  readonly n: string;
  readonly e: string;
  readonly kid: string;
  readonly alg: 'RS256';
  readonly use: 'sig';
}

/** The key new tokens are signed with. */
export interface ActiveSigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
}

// Key-ring writes of one process are serialized per store, so two rings created at the same first
// start (e.g. by two plugins) cannot overwrite each other's new key.
const keyRingWrites = new WeakMap<SettingsStore, Promise<unknown>>();

// A retired key is kept until every token it signed has expired, plus the skew.
const RETIRED_KEY_KEEP_MS = (ACCESS_TOKEN_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) * 1000;

/**
 * How long (ms, by the ring's clock) the keys read for verifying access tokens are used before
 * they are read again: a key removed from the store elsewhere (another node, the CLI) stops
 * verifying here within this time. A key retired long enough ago stops at once, read or not.
 */
export const VERIFICATION_KEYS_MAX_AGE_MS = 1000;

/**
 * A token naming a key id the keys read do not have makes the ring read them again at once (a key
 * rotated in on another node verifies its first token), but at most once in this many ms, so a
 * flood of tokens with made-up key ids cannot cost a read each.
 */
export const UNKNOWN_KID_READ_INTERVAL_MS = 1000;

/** Options of {@link SigningKeyRing}. */
export interface SigningKeyRingOptions {
  /** See {@link VERIFICATION_KEYS_MAX_AGE_MS} (the default); 0 reads the store for every token. */
  readonly maxAgeMs?: number;
  /** See {@link UNKNOWN_KID_READ_INTERVAL_MS} (the default). */
  readonly unknownKidReadIntervalMs?: number;
}

/** A stored key as kept for verifying, with the moment (ms) it stops being trusted. */
interface VerifyingKey {
  readonly stored: StoredSigningKey;
  readonly trustedUntil: number;
}

/** The keys as read (or being read) for verifying tokens. */
interface VerificationKeysRead {
  readonly keys: Promise<ReadonlyMap<string, VerifyingKey>>;
  readonly readAt: number;
  /** Reads are numbered as they begin: one that began after a call did saw every key stored before it. */
  readonly sequence: number;
}

/**
 * The identity server's RSA signing keys, kept in settings so every server process and restart
 * signs and verifies with the same keys. The newest key signs; retired keys still verify until
 * their tokens have expired, then they are pruned.
 */
export class SigningKeyRing {
  private readonly imported = new Map<string, { publicKey: CryptoKey; privateKey: CryptoKey }>();
  private readonly maxAgeMs: number;
  private readonly unknownKidReadIntervalMs: number;
  private verificationKeys: VerificationKeysRead | null = null;
  private verificationReadsBegun = 0;
  private lastUnknownKidReadAt: number | null = null;

  constructor(
    private readonly settings: SettingsStore,
    private readonly clock: Clock,
    options: SigningKeyRingOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? VERIFICATION_KEYS_MAX_AGE_MS;
    this.unknownKidReadIntervalMs = options.unknownKidReadIntervalMs ?? UNKNOWN_KID_READ_INTERVAL_MS;
  }

  /** Creates the first key when there is none. True when one was created. */
  async ensureKey(): Promise<boolean> {
    return this.serialized(async () => {
      const keys = await this.load();
      if (keys.some((key) => key.retiredAt === null)) return false;
      if (keys.length > 0) {
        await this.addKeyNow();
        return true;
      }
      // The very first key: several nodes may start on one empty database at once. Only one
      // insert wins; the others use the key it stored, so no node signs with a key nobody keeps.
      return this.settings.setSettingIfAbsent(SIGNING_KEYS_SETTING, [await this.newKey()] as unknown as JsonValue);
    });
  }

  /**
   * Adds a new key that signs from now on, retires the current one (it keeps verifying the tokens
   * it signed until they expire) and prunes keys retired long enough ago. Returns the new key id.
   */
  async rotate(): Promise<string> {
    return this.serialized(() => this.addKeyNow());
  }

  /** The key that signs new tokens (created when missing). */
  async activeKey(): Promise<ActiveSigningKey> {
    let active = (await this.loadSettled()).find((key) => key.retiredAt === null);
    if (active === undefined) {
      await this.ensureKey();
      active = (await this.load()).find((key) => key.retiredAt === null);
    }
    if (active === undefined) throw new WaymarkError('WM_INTERNAL', 'No signing key could be created.');
    return { kid: active.kid, privateKey: (await this.importKey(active)).privateKey };
  }

  /**
   * The public key with this id, when it is still trusted. The keys are read at most every
   * {@link VERIFICATION_KEYS_MAX_AGE_MS} (concurrent callers share a read), and again at once for
   * an id they lack, at most every {@link UNKNOWN_KID_READ_INTERVAL_MS}.
   */
  async verificationKey(kid: string): Promise<CryptoKey | null> {
    const readsBegunBefore = this.verificationReadsBegun;
    const first = this.recentVerificationKeys(this.clock.now().getTime());
    const found = trustedKey(await first.keys, kid, this.clock.now().getTime());
    if (found !== undefined) return (await this.importKey(found)).publicKey;

    // Unknown here: a key another node has just rotated in, or a forgery. A read that began after
    // this call did has seen every key stored before the token was issued, so it decides alone.
    if (first.sequence > readsBegunBefore) return null;
    const now = this.clock.now().getTime();
    let latest = this.verificationKeys;
    if (latest === null) {
      // Forgotten meanwhile (a key-ring change): read as the next call would anyway.
      latest = this.beginVerificationRead(now);
    } else if (latest.sequence <= readsBegunBefore) {
      const last = this.lastUnknownKidReadAt;
      if (last !== null && isWithin(last, now, this.unknownKidReadIntervalMs)) return null;
      this.lastUnknownKidReadAt = now;
      latest = this.beginVerificationRead(now);
    }
    const key = trustedKey(await latest.keys, kid, this.clock.now().getTime());
    return key === undefined ? null : (await this.importKey(key)).publicKey;
  }

  /**
   * Forgets the keys read for verifying, so the next token reads them again: for a change of the
   * key ring another node announces.
   */
  forgetVerificationKeys(): void {
    this.verificationKeys = null;
  }

  /** The JWKS document: every trusted public key, newest first. */
  async publicKeySet(): Promise<{ keys: PublicSigningJwk[] }> {
    const keys = await this.loadSettled();
    return { keys: keys.map((key) => toPublicJwk(key)) };
  }

  /** Key ids with their state, for the CLI. */
  async describe(): Promise<{ kid: string; createdAt: string; retiredAt: string | null }[]> {
    return (await this.loadSettled()).map(({ kid, createdAt, retiredAt }) => ({ kid, createdAt, retiredAt }));
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const previous = keyRingWrites.get(this.settings) ?? Promise.resolve();
    // Forgotten once the write has finished, so a read that began during it is dropped too.
    const next = previous.catch(() => undefined).then(work).finally(() => this.forgetVerificationKeys());
    keyRingWrites.set(this.settings, next);
    return next;
  }

  /**
   * The keys read at most `maxAgeMs` before `now` (a clock gone backwards counts as expired), or a
   * read begun now.
   */
  private recentVerificationKeys(now: number): VerificationKeysRead {
    const recent = this.verificationKeys;
    if (recent !== null && isWithin(recent.readAt, now, this.maxAgeMs)) return recent;
    return this.beginVerificationRead(now);
  }

  private beginVerificationRead(now: number): VerificationKeysRead {
    const keys = this.loadSettled().then((stored) => {
      const byKid = new Map<string, VerifyingKey>();
      for (const key of stored) {
        const trustedUntil = key.retiredAt === null ? Number.POSITIVE_INFINITY : new Date(key.retiredAt).getTime() + RETIRED_KEY_KEEP_MS;
        byKid.set(key.kid, { stored: key, trustedUntil });
      }
      for (const kid of this.imported.keys()) if (!byKid.has(kid)) this.imported.delete(kid);
      return byKid;
    });
    const read: VerificationKeysRead = { keys, readAt: now, sequence: ++this.verificationReadsBegun };
    this.verificationKeys = read;
    keys.catch(() => {
      if (this.verificationKeys === read) this.verificationKeys = null;
    });
    return read;
  }

  private async newKey(): Promise<StoredSigningKey> {
    // node:crypto generates on libuv's thread pool, and needs no jose at start (see jose-module.ts).
    const { privateKey } = await generateRsaKeyPair('rsa', { modulusLength: RSA_MODULUS_BITS, publicExponent: 0x10001 });
    const privateJwk = privateKey.export({ format: 'jwk' }) as JWK;
    return { kid: rsaJwkThumbprint(privateJwk), privateJwk, createdAt: this.clock.now().toISOString(), retiredAt: null };
  }

  private async addKeyNow(): Promise<string> {
    const key = await this.newKey();
    const kept = (await this.load()).map((old) => (old.retiredAt === null ? { ...old, retiredAt: key.createdAt } : old));
    await this.settings.setSetting(SIGNING_KEYS_SETTING, [key, ...kept] as unknown as JsonValue);
    return key.kid;
  }

  /**
   * {@link load} after the key-ring writes of this process that are under way: a reader during
   * the first start's key generation (which runs beside building the server) sees the new key,
   * not an empty ring.
   */
  private async loadSettled(): Promise<StoredSigningKey[]> {
    await keyRingWrites.get(this.settings)?.catch(() => undefined);
    return this.load();
  }

  /** Reads the stored keys, dropping those retired long enough ago. */
  private async load(): Promise<StoredSigningKey[]> {
    const stored = await this.settings.getSetting<JsonValue>(SIGNING_KEYS_SETTING);
    if (stored === null) return [];
    if (!Array.isArray(stored)) throw new WaymarkError('WM_CONFIG_INVALID', `Setting '${SIGNING_KEYS_SETTING}' is not a list of keys.`);
    const keys = stored as unknown as StoredSigningKey[];
    const cutoff = this.clock.now().getTime() - RETIRED_KEY_KEEP_MS;
    const trusted = keys.filter((key) => key.retiredAt === null || new Date(key.retiredAt).getTime() > cutoff);
    if (trusted.length !== keys.length) {
      await this.settings.setSetting(SIGNING_KEYS_SETTING, trusted as unknown as JsonValue);
      for (const key of keys) if (!trusted.includes(key)) this.imported.delete(key.kid);
    }
    return trusted;
  }

  private async importKey(key: StoredSigningKey): Promise<{ publicKey: CryptoKey; privateKey: CryptoKey }> {
    const cached = this.imported.get(key.kid);
    if (cached !== undefined) return cached;
    const { importJWK } = await loadJose();
    const privateKey = (await importJWK(key.privateJwk, SIGNING_ALGORITHM)) as CryptoKey;
    const publicKey = (await importJWK(toPublicJwk(key), SIGNING_ALGORITHM)) as CryptoKey;
    const pair = { publicKey, privateKey };
    this.imported.set(key.kid, pair);
    return pair;
  }
}

/** The stored key with this id, unless it was retired long enough ago (it may have been read before). */
function trustedKey(keys: ReadonlyMap<string, VerifyingKey>, kid: string, now: number): StoredSigningKey | undefined {
  const key = keys.get(kid);
  return key !== undefined && now < key.trustedUntil ? key.stored : undefined;
}

/**
 * The RFC 7638 thumbprint of an RSA JWK (SHA-256 over its required members `e`, `kty`, `n` in
 * that order, base64url): the key id, as jose's `calculateJwkThumbprint` computes it.
 */
export function rsaJwkThumbprint(jwk: JWK): string {
  const { e, kty, n } = jwk;
  if (kty !== 'RSA' || typeof n !== 'string' || typeof e !== 'string') throw new WaymarkError('WM_INTERNAL', 'Not an RSA public key.');
  return createHash('sha256').update(JSON.stringify({ e, kty, n })).digest('base64url');
}

function toPublicJwk(key: StoredSigningKey): PublicSigningJwk {
  const { kty, n, e } = key.privateJwk;
  if (kty !== 'RSA' || typeof n !== 'string' || typeof e !== 'string') {
    throw new WaymarkError('WM_CONFIG_INVALID', `Signing key '${key.kid}' is not an RSA key.`);
  }
  return { kty, n, e, kid: key.kid, alg: SIGNING_ALGORITHM, use: 'sig' };
}
