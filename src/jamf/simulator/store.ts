import { ListItemNames } from './list-items';
import type { SimulatorUser, SimulatorUserStore } from './types';
import { renderUserJson } from './user-json';
import { renderUserXml } from './user-xml';

export type BodyFormat = 'xml' | 'json';

/** Two users may not share a name (Jamf compares names without regard to case, as its database does). */
export class DuplicateNameError extends Error {
  override readonly name = 'DuplicateNameError';
  constructor(readonly userName: string, readonly ownerId: number) {
    super(`User ${ownerId} is already named '${userName}'; delete or rename that user first, or choose another name.`);
  }
}

function nameKey(name: unknown): string | undefined {
  return typeof name === 'string' ? name.toLowerCase() : undefined;
}

/**
 * The simulator's users, in memory. Stored objects are never changed in place, only replaced,
 * so rendered bodies can be cached per user and earlier versions can be kept (see stale-replica.ts).
 */
export class UserStore implements SimulatorUserStore {
  readonly lists = new ListItemNames();
  private readonly users = new Map<number, SimulatorUser>();
  private readonly idsByName = new Map<string, number>();
  private readonly rendered = new Map<number, { xml?: Buffer; json?: Buffer }>();

  get(id: number): SimulatorUser | undefined {
    const user = this.users.get(id);
    return user === undefined ? undefined : structuredClone(user);
  }

  set(user: SimulatorUser): void {
    if (!Number.isSafeInteger(user.id)) throw new TypeError(`user.id must be an integer, like Jamf's ("id": 6); got ${String(user.id)}`);
    this.replace(structuredClone(user));
  }

  delete(id: number): boolean {
    const user = this.users.get(id);
    if (user === undefined) return false;
    const key = nameKey(user.name);
    if (key !== undefined && this.idsByName.get(key) === id) this.idsByName.delete(key);
    this.users.delete(id);
    this.rendered.delete(id);
    return true;
  }

  list(): SimulatorUser[] {
    return [...this.users.keys()].sort((a, b) => a - b).map((id) => structuredClone(this.users.get(id) as SimulatorUser));
  }

  /** The stored object itself (not a copy); callers must not change it. */
  peek(id: number): SimulatorUser | undefined {
    return this.users.get(id);
  }

  /** The id of the user named `name` (any case), if any. */
  idForName(name: string): number | undefined {
    return this.idsByName.get(name.toLowerCase());
  }

  /**
   * Stores `user` as given (no copy), replacing the user with the same id.
   * @throws DuplicateNameError when another user has the same name.
   */
  replace(user: SimulatorUser): void {
    const key = nameKey(user.name);
    const owner = key === undefined ? undefined : this.idsByName.get(key);
    if (owner !== undefined && owner !== user.id) throw new DuplicateNameError(user.name, owner);
    const previousKey = nameKey(this.users.get(user.id)?.name);
    if (previousKey !== undefined && this.idsByName.get(previousKey) === user.id) this.idsByName.delete(previousKey);
    if (key !== undefined) this.idsByName.set(key, user.id);
    this.users.set(user.id, user);
    this.rendered.delete(user.id);
  }

  /** The GET body of a stored user (Jamf's JSON or XML), rendered once per version of the user. */
  body(id: number, format: BodyFormat): Buffer | undefined {
    const user = this.users.get(id);
    if (user === undefined) return undefined;
    let cached = this.rendered.get(id);
    if (cached === undefined) {
      cached = {};
      this.rendered.set(id, cached);
    }
    let body = cached[format];
    if (body === undefined) {
      body = Buffer.from(format === 'json' ? renderUserJson(user, { collapseSingleItemLists: false }) : renderUserXml(user, this.lists));
      cached[format] = body;
    }
    return body;
  }
}
