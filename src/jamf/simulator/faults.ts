/** Options of an injected error answer. */
export interface FailOptions {
  /** Sent as the `Retry-After` header (seconds or an HTTP date), e.g. with 503. */
  retryAfter?: number | string;
  /** The status page's message; default: the standard message of the status. */
  message?: string;
}

/** Makes `GET /JSSResource/users/id/{userId}` answer a body of about `bytes` bytes, streamed in chunks. */
export interface LargeFieldFault {
  userId: number;
  /** Total body size to aim at; the field is padded with `x` so the whole body has this length. */
  bytes: number;
  /** Element padded; default `position`. */
  field?: string;
}

/** What the next `/JSSResource` call suffers, decided when it arrives (after `delayMs`). */
export type FaultAction =
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'fail'; status: number; options: FailOptions }
  | { kind: 'garble' };

interface PendingFailures {
  remaining: number;
  status: number;
  options: FailOptions;
}

function checkCount(count: number): void {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`count must be a whole number ≥ 0; got ${count}`);
}

function checkStatus(status: number): void {
  if (!Number.isInteger(status) || status < 100 || status > 599) throw new RangeError(`status must be an HTTP status 100–599, e.g. 503; got ${status}`);
}

/** mulberry32: a small seeded PRNG, so a `failRate` run can be repeated exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Misbehaviour on demand. Plain fields can be set at any time; the `…Next` methods queue
 * a number of affected `/JSSResource` calls. When several apply, the first of
 * hang, reset, failNext, failRate, garble wins, and only that one is used up.
 */
export class SimulatorFaults {
  /** Added before answering every Jamf call (token endpoints and `/JSSResource`). */
  delayMs = 0;
  /** `/JSSResource` calls are never answered (until `close()`). */
  hang = false;
  /** Jamf's JSON quirk: one-item lists come back as the item itself in JSON GETs. */
  collapseSingleItemLists = false;
  /** A huge GET body for one user; `undefined` for none. */
  largeField: LargeFieldFault | undefined = undefined;
  /** Cluster lag: a GET without the `jpro-ingress` cookie sees a user as it was before its last PUT. */
  staleReadsWithoutCookie = false;

  private failures: PendingFailures[] = [];
  private rate: { fraction: number; status: number; options: FailOptions; random: () => number } | undefined;
  private resets = 0;
  private garbles = 0;
  private readonly resetListeners: Array<() => void> = [];

  /** The next `count` `/JSSResource` calls are answered with `status` (a status page) and not carried out. */
  failNext(count: number, status: number, options: FailOptions = {}): void {
    checkCount(count);
    checkStatus(status);
    if (count > 0) this.failures.push({ remaining: count, status, options });
  }

  /**
   * Each `/JSSResource` call fails with `status` with probability `fraction` (0 turns it off).
   * With `seed`, the sequence of failures is the same on every run.
   */
  failRate(fraction: number, status: number, seed?: number, options: FailOptions = {}): void {
    if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`fraction must be between 0 and 1; got ${fraction}`);
    checkStatus(status);
    this.rate = fraction === 0 ? undefined : { fraction, status, options, random: seed === undefined ? Math.random : seededRandom(seed) };
  }

  /** The next `count` `/JSSResource` calls get their connection destroyed without an answer (and are not carried out). */
  resetNext(count: number): void {
    checkCount(count);
    this.resets += count;
  }

  /** The next `count` `/JSSResource` calls are carried out, then answered 200 with a body cut in half. */
  garbleNext(count: number): void {
    checkCount(count);
    this.garbles += count;
  }

  /** Clears every fault. */
  reset(): void {
    this.delayMs = 0;
    this.hang = false;
    this.collapseSingleItemLists = false;
    this.largeField = undefined;
    this.staleReadsWithoutCookie = false;
    this.failures = [];
    this.rate = undefined;
    this.resets = 0;
    this.garbles = 0;
    for (const listener of this.resetListeners) listener();
  }

  /** @internal Runs `listener` on every `reset()`. */
  onReset(listener: () => void): void {
    this.resetListeners.push(listener);
  }

  /** @internal Decides (and uses up) the fault for one `/JSSResource` call. */
  take(): FaultAction | undefined {
    if (this.hang) return { kind: 'hang' };
    if (this.resets > 0) {
      this.resets--;
      return { kind: 'reset' };
    }
    const failure = this.failures[0];
    if (failure !== undefined) {
      if (--failure.remaining === 0) this.failures.shift();
      return { kind: 'fail', status: failure.status, options: failure.options };
    }
    if (this.rate !== undefined && this.rate.random() < this.rate.fraction) {
      return { kind: 'fail', status: this.rate.status, options: this.rate.options };
    }
    if (this.garbles > 0) {
      this.garbles--;
      return { kind: 'garble' };
    }
    return undefined;
  }
}
