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

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

const ACCOUNT_KEYS = ['id', 'integration', 'context'] as const;
const CONTEXT_KEYS = ['instance_url', 'auth', 'timeout_ms', 'max_concurrency', 'max_queue', 'rate_limit'] as const;
const AUTH_KEYS = { client_credentials: ['type', 'client_id', 'client_secret'], basic: ['type', 'username', 'password'] } as const;

/** `path.key` for a plain key, `path["odd key"]` (escaped, at most 64 characters) for any other. */
function child(path: string, key: string): string {
  if (!PLAIN_KEY.test(key)) return `${path}[${JSON.stringify(key.slice(0, 64))}]`;
  return path === '' ? key : `${path}.${key}`;
}

/**
 * Checks an accounts document and collects every problem, each naming its path
 * (`accounts[0].context.max_concurrency`). No message repeats a value of the file: only paths and
 * key names, so a secret in the wrong place never reaches a log.
 */
class Checker {
  readonly problems: string[] = [];

  fail(path: string, message: string): void {
    this.problems.push(`${path} ${message}`);
  }

  knownKeys(obj: Json, path: string, keys: readonly string[]): void {
    for (const key of Object.keys(obj)) {
      if (!keys.includes(key)) this.fail(child(path, key), `is not a known key; the keys here are ${keys.join(', ')}.`);
    }
  }

  text(obj: Json, key: string, path: string): string | undefined {
    const value = obj[key];
    if (typeof value === 'string' && value.trim() !== '') return value;
    this.fail(child(path, key), 'must be a non-empty string.');
    return undefined;
  }

  integer(obj: Json, key: string, path: string, min: number, max: number): number | undefined {
    const value = obj[key];
    if (value === undefined) return undefined;
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    this.fail(child(path, key), `must be a whole number from ${min} to ${max}.`);
    return undefined;
  }

  auth(value: unknown, path: string): JamfAuth | undefined {
    if (!isObject(value)) {
      this.fail(path, 'must be an object with "type" "client_credentials" or "basic".');
      return undefined;
    }
    if (value.type !== 'client_credentials' && value.type !== 'basic') {
      this.fail(`${path}.type`, 'must be "client_credentials" (Jamf API client) or "basic" (Jamf user account).');
      return undefined;
    }
    this.knownKeys(value, path, AUTH_KEYS[value.type]);
    if (value.type === 'client_credentials') {
      const [id, secret] = [this.text(value, 'client_id', path), this.text(value, 'client_secret', path)];
      return id && secret ? { type: 'client_credentials', client_id: id, client_secret: secret } : undefined;
    }
    const [username, password] = [this.text(value, 'username', path), this.text(value, 'password', path)];
    return username && password ? { type: 'basic', username, password } : undefined;
  }

  instanceUrl(value: Json, path: string): string | undefined {
    const url = this.text(value, 'instance_url', path);
    if (url === undefined) return undefined;
    const where = `${path}.instance_url`;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      this.fail(where, 'must be an absolute URL such as https://example.jamfcloud.com.');
      return undefined;
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') this.fail(where, 'must be an http(s) URL.');
    else if (parsed.search || parsed.hash || parsed.username || parsed.password) this.fail(where, 'must hold no query, fragment or credentials; put credentials in "auth".');
    else return url;
    return undefined;
  }

  rate(value: Json, path: string): Rate | undefined {
    const given = value.rate_limit;
    if (given === undefined) return undefined;
    try {
      if (typeof given === 'string') return parseRate(given, 'rate_limit');
    } catch {
      // Reported below, without repeating the value.
    }
    this.fail(`${path}.rate_limit`, `must be a string such as "50/10s" (requests per seconds) or "off".`);
    return undefined;
  }

  context(value: unknown, path: string): { context: JamfContext; rateLimit?: Rate } | undefined {
    if (!isObject(value)) {
      this.fail(path, 'must be an object.');
      return undefined;
    }
    this.knownKeys(value, path, CONTEXT_KEYS);
    const url = this.instanceUrl(value, path);
    const auth = this.auth(value.auth, `${path}.auth`);
    const timeout = this.integer(value, 'timeout_ms', path, 100, 600_000);
    const concurrency = this.integer(value, 'max_concurrency', path, 1, 100);
    const queue = this.integer(value, 'max_queue', path, 0, 100_000);
    const rateLimit = this.rate(value, path);
    if (url === undefined || auth === undefined) return undefined;
    const context: JamfContext = { instance_url: url, auth };
    if (timeout !== undefined) context.timeout_ms = timeout;
    if (concurrency !== undefined) context.max_concurrency = concurrency;
    if (queue !== undefined) context.max_queue = queue;
    return { context, ...(rateLimit ? { rateLimit } : {}) };
  }

  account(entry: unknown, path: string, seen: Map<string, string>): AccountConfig | undefined {
    if (!isObject(entry)) {
      this.fail(path, 'must be an object.');
      return undefined;
    }
    this.knownKeys(entry, path, ACCOUNT_KEYS);
    let id: string | undefined;
    if (typeof entry.id !== 'string' || !UUID.test(entry.id)) this.fail(`${path}.id`, 'must be a UUID.');
    else if (seen.has(entry.id.toLowerCase())) this.fail(`${path}.id`, `is the id of ${seen.get(entry.id.toLowerCase())} too; give each account its own id.`);
    else {
      id = entry.id;
      seen.set(id.toLowerCase(), path);
    }
    if (entry.integration !== 'jamf') this.fail(`${path}.integration`, 'must be "jamf".');
    const context = this.context(entry.context, `${path}.context`);
    if (id === undefined || context === undefined) return undefined;
    return { id, integration: 'jamf', context: context.context, ...(context.rateLimit ? { rateLimit: context.rateLimit } : {}) };
  }
}

/** Checks an accounts document (`{"accounts": [...]}`); answers the accounts, or every problem found. */
export function checkAccounts(document: unknown): { accounts: AccountConfig[]; problems: string[] } {
  const checker = new Checker();
  if (!isObject(document) || !Array.isArray(document.accounts)) {
    return { accounts: [], problems: ['the file must hold a JSON object {"accounts": [...]}.'] };
  }
  checker.knownKeys(document, '', ['accounts']);
  if (document.accounts.length === 0) checker.fail('accounts', 'is empty; list at least one integrated account.');
  const seen = new Map<string, string>();
  const accounts = document.accounts.map((entry: unknown, index: number) => checker.account(entry, `accounts[${index}]`, seen));
  if (checker.problems.length > 0) return { accounts: [], problems: checker.problems };
  return { accounts: accounts as AccountConfig[], problems: [] };
}
