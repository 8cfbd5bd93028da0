/** The reason a {@link Deadline}'s signal aborts with. */
export class DeadlineExceeded extends Error {
  override readonly name = 'DeadlineExceeded';
  constructor(readonly ms: number) {
    super(`deadline of ${ms} ms passed`);
  }
}

/**
 * The time allowed to one Jamf call: its signal aborts (with a {@link DeadlineExceeded}) `ms` after it
 * was made, unless cleared first. One per call; everything the call waits on listens to its signal,
 * each listener removed when that wait ends.
 */
export class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly startedAt = Date.now();

  constructor(readonly ms: number) {
    this.timer = setTimeout(() => this.controller.abort(new DeadlineExceeded(ms)), ms);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Whether it has passed (its signal aborted). */
  get passed(): boolean {
    return this.controller.signal.aborted;
  }

  /** Milliseconds left before it passes (0 or less once passed). */
  remaining(): number {
    return this.ms - (Date.now() - this.startedAt);
  }

  /** Stops its timer: the signal will not abort. Safe to call more than once. */
  clear(): void {
    clearTimeout(this.timer);
  }
}
