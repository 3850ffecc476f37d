/**
 * node-postgres, loaded on first use. A server on the embedded SQLite store never needs it, and
 * loading its modules is a measurable part of the start (docs/performance.md, "Start-up").
 */
import type pg from 'pg';

/** The `pg` module's default export (Pool, Client, …). */
export type PgModule = typeof pg;

let loading: Promise<PgModule> | null = null;

/** Loads `pg` once; later calls share the same module. */
export function loadPg(): Promise<PgModule> {
  loading ??= import('pg').then((module) => module.default);
  return loading;
}
