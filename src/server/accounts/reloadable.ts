import { ApiError } from '../../errors';
import type { JamfUserEnvelope, JamfUsersConnector, JamfUserStream } from '../../jamf';
import { shuttingDown } from '../http-server';
import type { AccountConfig } from './accounts-file';
import { createAccountRegistry, loadOf, type Account, type AccountLimits, type AccountRegistry, type ConnectorFactory, type Load } from './registry';

/**
 * A connector that counts its calls in flight, so that an account replaced by a reload is closed only
 * once they have finished. A call that reaches it after it closed (a request that found the account
 * just before the reload) goes to the account's new connector; an account the reload removed answers 404.
 */
class TrackedConnector implements JamfUsersConnector {
  private inFlight = 0;
  private closed = false;
  private idle: Array<() => void> = [];

  constructor(private readonly inner: JamfUsersConnector, private readonly accountId: string, private readonly successor: () => JamfUsersConnector | undefined) {}

  async updateUser(id: string, xml: string, query: string): Promise<JamfUserEnvelope> {
    if (this.closed) return this.next().updateUser(id, xml, query);
    this.inFlight++;
    try {
      return await this.inner.updateUser(id, xml, query);
    } finally {
      this.done();
    }
  }

  async updateUserStream(id: string, xml: string, query: string): Promise<JamfUserStream> {
    if (this.closed) return this.next().updateUserStream(id, xml, query);
    this.inFlight++;
    try {
      const stream = await this.inner.updateUserStream(id, xml, query);
      stream.body.once('close', () => this.done());
      return stream;
    } catch (err) {
      this.done();
      throw err;
    }
  }

  load(): Load | undefined {
    return loadOf(this.inner);
  }

  /** Closes the connector once no call is in flight (calls arriving meanwhile still use it). */
  async close(): Promise<void> {
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    this.closed = true;
    await this.inner.close();
  }

  private done(): void {
    this.inFlight--;
    if (this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  private next(): JamfUsersConnector {
    const successor = this.successor();
    if (successor === undefined) {
      throw new ApiError(404, `No integrated account ${this.accountId} is configured on this server any more (the accounts file was reloaded without it).`);
    }
    if (successor === this) throw shuttingDown();
    return successor;
  }
}

/**
 * The accounts of a server whose accounts file can be re-read (`SIGHUP`): `replace` swaps in new
 * accounts at once; requests already using an old account finish on its old connector, which is
 * closed after them.
 */
export class ReloadableAccounts implements AccountRegistry {
  private current: AccountRegistry;
  private readonly retiring = new Set<Promise<void>>();

  constructor(configs: readonly AccountConfig[], private readonly connectorFor: ConnectorFactory, private readonly limits: AccountLimits = {}) {
    this.current = this.build(configs);
  }

  get(id: string): Account | undefined {
    return this.current.get(id);
  }

  size(): number {
    return this.current.size();
  }

  load(): Load {
    return this.current.load();
  }

  /** Serves `configs` from now on; resolves once the old accounts' connectors are closed (after their calls in flight). */
  replace(configs: readonly AccountConfig[]): Promise<void> {
    const old = this.current;
    this.current = this.build(configs);
    const closing = old.close().finally(() => this.retiring.delete(closing));
    this.retiring.add(closing);
    return closing;
  }

  async close(): Promise<void> {
    await Promise.all([this.current.close(), ...this.retiring]);
  }

  private build(configs: readonly AccountConfig[]): AccountRegistry {
    const tracked: ConnectorFactory = (config, limiter) => new TrackedConnector(this.connectorFor(config, limiter), config.id, () => this.current.get(config.id)?.connector);
    return createAccountRegistry(configs, tracked, this.limits);
  }
}
