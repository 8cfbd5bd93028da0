import { readFileSync } from 'node:fs';
import type { JamfAuth, JamfContext } from '../../jamf';
import { parseRate } from '../stores/rate';
import type { Rate } from '../stores/types';

/** An account as the accounts file gives it. */
export interface AccountConfig {
  id: string;
  integration: 'jamf';
  context: JamfContext;
  /** At most this many updates per window for the account (`"50/10s"`); none by default. */
  rateLimit?: Rate;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A problem in the accounts file, naming the account and the field. */
export class AccountsFileError extends Error {
  override readonly name = 'AccountsFileError';
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function nonEmptyString(obj: Json, key: string, where: string): string {
  const value = obj[key];
  if (typeof value !== 'string' || value.trim() === '') throw new AccountsFileError(`${where}.${key} must be a non-empty string.`);
  return value;
}

function optionalInteger(obj: Json, key: string, where: string, min: number, max: number): number | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new AccountsFileError(`${where}.${key} must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

function parseAuth(value: unknown, where: string): JamfAuth {
  if (!isObject(value)) throw new AccountsFileError(`${where} must be an object with "type" "client_credentials" or "basic".`);
  if (value.type === 'client_credentials') {
    return { type: 'client_credentials', client_id: nonEmptyString(value, 'client_id', where), client_secret: nonEmptyString(value, 'client_secret', where) };
  }
  if (value.type === 'basic') {
    return { type: 'basic', username: nonEmptyString(value, 'username', where), password: nonEmptyString(value, 'password', where) };
  }
  throw new AccountsFileError(`${where}.type must be "client_credentials" (Jamf API client) or "basic" (Jamf user account).`);
}

function parseContext(value: unknown, where: string): JamfContext {
  if (!isObject(value)) throw new AccountsFileError(`${where} must be an object.`);
  const url = nonEmptyString(value, 'instance_url', where);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AccountsFileError(`${where}.instance_url must be an absolute URL such as https://example.jamfcloud.com.`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new AccountsFileError(`${where}.instance_url must be an http(s) URL.`);
  if (parsed.search || parsed.hash || parsed.username || parsed.password) {
    throw new AccountsFileError(`${where}.instance_url must hold no query, fragment or credentials; put credentials in "auth".`);
  }
  const context: JamfContext = { instance_url: url, auth: parseAuth(value.auth, `${where}.auth`) };
  const timeout = optionalInteger(value, 'timeout_ms', where, 100, 600_000);
  const concurrency = optionalInteger(value, 'max_concurrency', where, 1, 100);
  const queue = optionalInteger(value, 'max_queue', where, 0, 100_000);
  if (timeout !== undefined) context.timeout_ms = timeout;
  if (concurrency !== undefined) context.max_concurrency = concurrency;
  if (queue !== undefined) context.max_queue = queue;
  return context;
}

/**
 * Validates an accounts document (`{"accounts": [...]}`); every problem names the account (by index
 * and id) and the field. Secrets are never repeated in a message.
 */
export function parseAccounts(document: unknown): AccountConfig[] {
  if (!isObject(document) || !Array.isArray(document.accounts)) throw new AccountsFileError('The accounts file must be a JSON object {"accounts": [...]}.');
  const seen = new Set<string>();
  return document.accounts.map((entry: unknown, index: number) => {
    let where = `accounts[${index}]`;
    if (!isObject(entry)) throw new AccountsFileError(`${where} must be an object.`);
    const id = entry.id;
    if (typeof id !== 'string' || !UUID.test(id)) throw new AccountsFileError(`${where}.id must be a UUID.`);
    where = `accounts[${index}] (${id})`;
    if (seen.has(id.toLowerCase())) throw new AccountsFileError(`${where}.id is listed twice.`);
    seen.add(id.toLowerCase());
    if (entry.integration !== 'jamf') throw new AccountsFileError(`${where}.integration must be "jamf".`);
    const config: AccountConfig = { id, integration: 'jamf', context: parseContext(entry.context, `${where}.context`) };
    const rateLimit = (entry.context as Json).rate_limit;
    if (rateLimit !== undefined) {
      if (typeof rateLimit !== 'string') throw new AccountsFileError(`${where}.context.rate_limit must be a string such as "50/10s".`);
      try {
        const rate = parseRate(rateLimit, `${where}.context.rate_limit`);
        if (rate) config.rateLimit = rate;
      } catch (err) {
        throw new AccountsFileError((err as Error).message);
      }
    }
    return config;
  });
}

/** Reads and validates the accounts file. */
export function readAccountsFile(path: string): AccountConfig[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new AccountsFileError(`Cannot read the accounts file ${path}: ${(err as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    throw new AccountsFileError(`The accounts file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return parseAccounts(document);
}
