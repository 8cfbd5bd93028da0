import type { SimulatorUser } from './types';

/**
 * A Jamf Cloud node that has not yet synced: it remembers each user as it was before its last PUT,
 * and serves that version to GETs that lack the sticky-session cookie.
 */
export class StaleReplica {
  private readonly before = new Map<number, SimulatorUser>();

  /** Records `previous` (the stored object, which the store never changes in place) as the lagging version. */
  rememberBeforeWrite(previous: SimulatorUser): void {
    this.before.set(previous.id, previous);
  }

  lagging(id: number): SimulatorUser | undefined {
    return this.before.get(id);
  }

  clear(): void {
    this.before.clear();
  }
}
