/**
 * The ledger's schema steps, in order, from the files of `migrations/` (one per era). `db.ts` runs them forwards,
 * one transaction per step, and keeps `PRAGMA user_version` at the number of steps run.
 */
import { BOOKS_STEPS } from './migrations/books';
import { SESSIONS_STEPS } from './migrations/sessions';

/** Each entry moves the schema from version i to i + 1. Never edit a shipped step: add one. */
export const MIGRATIONS: readonly string[] = [...BOOKS_STEPS, ...SESSIONS_STEPS];
export const SCHEMA_VERSION = MIGRATIONS.length;
