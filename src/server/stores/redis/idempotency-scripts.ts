import type { Redis } from 'ioredis';
import type { Begin, StoredResponse } from '../types';

/*
 * An idempotency record is one hash: `fp` (the request's fingerprint) and, while the request runs,
 * `owner` (the claim's random token, renewed as a lease); once answered, `status`, `headers` (JSON)
 * and `body` (bytes) instead of `owner`. Each step is one Lua script, so it is atomic on Redis.
 */

const CLAIM = `
local found = redis.call('HMGET', KEYS[1], 'fp', 'status', 'headers', 'body')
if not found[1] then
  redis.call('HSET', KEYS[1], 'fp', ARGV[1], 'owner', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return {'new'}
end
if found[1] ~= ARGV[1] then return {'mismatch'} end
if not found[2] then return {'pending'} end
return {'replay', found[2], found[3], found[4]}`;

const RENEW = `
if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

const COMPLETE = `
local owner = redis.call('HGET', KEYS[1], 'owner')
if owner ~= ARGV[1] and (owner or redis.call('EXISTS', KEYS[1]) == 1) then return 0 end
redis.call('HSET', KEYS[1], 'fp', ARGV[2], 'status', ARGV[3], 'headers', ARGV[4], 'body', ARGV[5])
redis.call('HDEL', KEYS[1], 'owner')
redis.call('PEXPIRE', KEYS[1], ARGV[6])
return 1`;

const ABANDON = `
if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** What a claim found: {@link Begin}, or `pending` while another request holds the key. */
export type Claim = Begin | { state: 'pending' };

interface ScriptCommands {
  mdmIdempotencyClaimBuffer(key: string, fingerprint: string, owner: string, leaseMs: number): Promise<Buffer[]>;
  mdmIdempotencyRenew(key: string, owner: string, leaseMs: number): Promise<number>;
  mdmIdempotencyComplete(key: string, owner: string, fingerprint: string, status: number, headers: string, body: Buffer, ttlMs: number): Promise<number>;
  mdmIdempotencyAbandon(key: string, owner: string): Promise<number>;
}

/** The four atomic steps on an idempotency record, as typed calls (ioredis caches the scripts by SHA). */
export interface IdempotencyScripts {
  /** Claims `key` for `owner` for `leaseMs` unless a record exists; answers what was found. */
  claim(key: string, fingerprint: string, owner: string, leaseMs: number): Promise<Claim>;
  /** Extends `owner`'s claim by `leaseMs`; false when it is no longer theirs. */
  renew(key: string, owner: string, leaseMs: number): Promise<boolean>;
  /** Replaces `owner`'s claim (or a vanished one) by the response, kept `ttlMs`. */
  complete(key: string, owner: string, fingerprint: string, response: StoredResponse, ttlMs: number): Promise<void>;
  /** Deletes `owner`'s claim; someone else's record is left alone. */
  abandon(key: string, owner: string): Promise<void>;
}

/** Registers the scripts on `client` and answers them as typed calls. */
export function idempotencyScripts(client: Redis): IdempotencyScripts {
  client.defineCommand('mdmIdempotencyClaim', { numberOfKeys: 1, lua: CLAIM });
  client.defineCommand('mdmIdempotencyRenew', { numberOfKeys: 1, lua: RENEW });
  client.defineCommand('mdmIdempotencyComplete', { numberOfKeys: 1, lua: COMPLETE });
  client.defineCommand('mdmIdempotencyAbandon', { numberOfKeys: 1, lua: ABANDON });
  const commands = client as unknown as ScriptCommands;
  return {
    claim: async (key, fingerprint, owner, leaseMs) => parseClaim(await commands.mdmIdempotencyClaimBuffer(key, fingerprint, owner, leaseMs)),
    renew: async (key, owner, leaseMs) => (await commands.mdmIdempotencyRenew(key, owner, leaseMs)) === 1,
    complete: async (key, owner, fingerprint, response, ttlMs) => {
      await commands.mdmIdempotencyComplete(key, owner, fingerprint, response.status, JSON.stringify(response.headers), response.body, ttlMs);
    },
    abandon: async (key, owner) => {
      await commands.mdmIdempotencyAbandon(key, owner);
    },
  };
}

function parseClaim(reply: Buffer[]): Claim {
  const [state, status, headers, body] = reply;
  switch (state?.toString()) {
    case 'new': return { state: 'new' };
    case 'mismatch': return { state: 'mismatch' };
    case 'pending': return { state: 'pending' };
    case 'replay':
      if (status && headers && body) {
        return { state: 'replay', response: { status: Number(status.toString()), headers: JSON.parse(headers.toString()) as Record<string, string>, body } };
      }
  }
  throw new Error(`Unexpected reply of the idempotency claim script: ${reply.map((part) => part.toString().slice(0, 40)).join(', ')}`);
}
