/**
 * The scheme seam of the store: the numbered versions of each scheme code, and the schemes a
 * callback server generated from them.
 */
import type { SchemeDefinition } from '../scheme/model.js';

/** One stored version of a scheme. */
export interface StoredScheme {
  /** Unique id of this version. */
  readonly id: string;
  readonly code: string;
  readonly version: number;
  readonly definition: SchemeDefinition;
  /** The vendor XML it was imported from, when it was. */
  readonly sourceXml: string | null;
  readonly tags: readonly string[];
  readonly createdAt: string;
}

/** What creating an instance needs to know of its scheme ({@link SchemeStore.schemeForNewInstance}). */
export interface SchemeForNewInstance {
  readonly id: string;
  readonly version: number;
  readonly instanceExists: boolean;
}

/** What storing a generated scheme takes ({@link SchemeStore.saveGeneratedScheme}). */
export interface NewGeneratedScheme {
  readonly base: StoredScheme;
  readonly parametersKey: string;
  readonly definition: SchemeDefinition;
  readonly sourceXml: string | null;
  readonly now: Date;
}

/** Where schemes are kept. */
export interface SchemeStore {
  /** Saves a new version under `definition.code` (version = last + 1). */
  saveScheme(definition: SchemeDefinition, sourceXml: string | null, now: Date): Promise<StoredScheme>;
  getScheme(id: string): Promise<StoredScheme | null>;
  /** The latest version, or a given one. */
  getSchemeByCode(code: string, version?: number): Promise<StoredScheme | null>;
  /**
   * What creating the instance `processId` of `code` needs, in one statement: the id and number of
   * the latest version of `code` (without its definition), and whether an instance `processId`
   * exists already; null when `code` has no version.
   */
  schemeForNewInstance(code: string, processId: string): Promise<SchemeForNewInstance | null>;
  /** The latest version of each code. */
  listSchemes(): Promise<readonly StoredScheme[]>;
  listSchemeVersions(code: string): Promise<readonly StoredScheme[]>;
  /**
   * The scheme a callback server generated from the version `baseSchemeId` with the scheme
   * parameters whose digest is `parametersKey`, or null. A generated scheme is found by
   * `getScheme(id)` like a version, but is never a version of its code.
   */
  getGeneratedScheme(baseSchemeId: string, parametersKey: string): Promise<StoredScheme | null>;
  /**
   * Stores a generated scheme under the base version's code and number. When one exists for the
   * same base and parameters (a concurrent creation), that one is returned and nothing is stored.
   */
  saveGeneratedScheme(input: NewGeneratedScheme): Promise<StoredScheme>;
  /** Deletes every version of a code (and the schemes generated from it); refuses (WM_SCHEME_IN_USE) while instances use it unless forced. */
  deleteScheme(code: string, force: boolean): Promise<void>;
  countInstancesOfScheme(code: string): Promise<number>;
}
