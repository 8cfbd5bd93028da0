/**
 * The waits of delayed requests (`faults.delayMs`), which `close()` cuts short. Each wait is kept here rather
 * than listening on one shared abort signal: one listener per delayed request on a single signal passed
 * Node's limit of 10 (MaxListenersExceededWarning) whenever more than 10 requests were delayed at once.
 */
export class Sleepers {
  private readonly waking = new Set<() => void>();
  private stopped: Error | undefined;

  /** Resolves after `ms` (at once for 0 or less); rejects with the reason of {@link wakeAll} if it comes first. */
  async wait(ms: number): Promise<void> {
    if (ms <= 0) return;
    if (this.stopped) throw this.stopped;
    await new Promise<void>((resolve, reject) => {
      const wake = (): void => {
        clearTimeout(timer);
        reject(this.stopped);
      };
      const timer = setTimeout(() => {
        this.waking.delete(wake);
        resolve();
      }, ms);
      this.waking.add(wake);
    });
  }

  /** Ends every wait, and every later one, with `reason`. */
  wakeAll(reason: Error): void {
    this.stopped ??= reason;
    for (const wake of this.waking) wake();
    this.waking.clear();
  }
}
