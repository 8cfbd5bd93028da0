import { Readable } from 'node:stream';
import { ApiError } from '../../../src/errors';
import type { JamfUserEnvelope, JamfUsersConnector, JamfUserStream, SlotLimiter } from '../../../src/jamf';
import type { AccountConfig } from '../../../src/server/accounts/accounts-file';
import { ReloadableAccounts } from '../../../src/server/accounts/reloadable';

const A = '62f44730-dd91-461e-bd6a-aedd9e0ad79d';
const B = '3c1e0f4e-0f7e-4b55-a7d4-6f3b1d9c0e03';
const account = (id: string, url: string): AccountConfig => ({ id, integration: 'jamf', context: { instance_url: url, auth: { type: 'basic', username: 'u', password: 'p' } } });

/** A connector whose calls wait until `release()`, answering the instance it was made for. */
class HeldConnector implements JamfUsersConnector {
  closed = false;
  private waiting: Array<() => void> = [];
  constructor(readonly url: string, readonly limiter?: SlotLimiter, private readonly closes?: string[]) {}
  async updateUser(id: string): Promise<JamfUserEnvelope> {
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    return { user: { id: Number(id), name: this.url } } as JamfUserEnvelope;
  }
  async updateUserStream(): Promise<JamfUserStream> {
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    return { contentType: 'text/xml', body: Readable.from([Buffer.from(`<user>${this.url}</user>`)]) };
  }
  release(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }
  async close(): Promise<void> {
    this.closed = true;
    this.closes?.push(`connector ${this.url}`);
  }
}

function setUp(): { accounts: ReloadableAccounts; made: HeldConnector[] } {
  const made: HeldConnector[] = [];
  const accounts = new ReloadableAccounts([account(A, 'https://old.example.com')], (config) => {
    const connector = new HeldConnector(config.context.instance_url);
    made.push(connector);
    return connector;
  });
  return { accounts, made };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ReloadableAccounts', () => {
  it('serves new accounts at once and closes an old connector only after its calls in flight finish', async () => {
    const { accounts, made } = setUp();
    const oldAccount = accounts.get(A);
    const inFlight = oldAccount?.connector.updateUser('6', '<user/>', '');
    const replaced = accounts.replace([account(A, 'https://new.example.com'), account(B, 'https://b.example.com')]);
    expect(accounts.size()).toBe(2);
    const fresh = accounts.get(A)?.connector.updateUser('7', '<user/>', '');
    await tick();
    expect(made[0]?.closed).toBe(false);
    made[0]?.release();
    made[1]?.release();
    expect(await inFlight).toEqual({ user: { id: 6, name: 'https://old.example.com' } });
    expect(await fresh).toEqual({ user: { id: 7, name: 'https://new.example.com' } });
    await replaced;
    expect(made[0]?.closed).toBe(true);
    expect(made[1]?.closed).toBe(false);
  });

  it('keeps an old connector open while a stream from it is being read', async () => {
    const { accounts, made } = setUp();
    const streaming = accounts.get(A)?.connector.updateUserStream('6', '<user/>', '');
    made[0]?.release();
    const stream = await streaming;
    let closed = false;
    const replaced = accounts.replace([account(A, 'https://new.example.com')]).then(() => { closed = true; });
    await tick();
    expect(closed).toBe(false);
    const chunks: Buffer[] = [];
    for await (const chunk of stream?.body ?? []) chunks.push(chunk as Buffer);
    await replaced;
    expect(Buffer.concat(chunks).toString()).toBe('<user>https://old.example.com</user>');
    expect(made[0]?.closed).toBe(true);
  });

  it('sends a call that reaches a closed old connector to the new one, or answers 404 when the account was removed', async () => {
    const { accounts, made } = setUp();
    const old = accounts.get(A);
    await accounts.replace([account(A, 'https://new.example.com')]);
    const late = old?.connector.updateUser('6', '<user/>', '');
    await tick();
    made[1]?.release();
    expect(await late).toEqual({ user: { id: 6, name: 'https://new.example.com' } });

    const second = accounts.get(A);
    await accounts.replace([account(B, 'https://b.example.com')]);
    await expect(second?.connector.updateUser('6', '<user/>', '')).rejects.toEqual(expect.objectContaining({ status: 404 }));
    await expect(second?.connector.updateUser('6', '<user/>', '')).rejects.toBeInstanceOf(ApiError);
  });

  it('hands each account its slot limiter, and closes a replaced account\'s once its connector is closed', async () => {
    const closed: string[] = [];
    const made: HeldConnector[] = [];
    const slots = (config: AccountConfig): SlotLimiter => ({
      max: 1, run: (task) => task(), load: () => ({ running: 0, waiting: 0 }),
      close: async () => { closed.push(`slots ${config.context.instance_url}`); },
    });
    const accounts = new ReloadableAccounts([account(A, 'https://old.example.com')], (config, limiter) => {
      const connector = new HeldConnector(config.context.instance_url, limiter, closed);
      made.push(connector);
      return connector;
    }, { slots });
    const inFlight = accounts.get(A)?.connector.updateUser('6', '<user/>', '');
    const replaced = accounts.replace([account(A, 'https://new.example.com'), account(B, 'https://b.example.com')]);
    expect(made.every((connector) => connector.limiter !== undefined)).toBe(true);
    await tick();
    expect(closed).toEqual([]);
    made[0]?.release();
    await inFlight;
    await replaced;
    expect(closed).toEqual(['connector https://old.example.com', 'slots https://old.example.com']);
    await accounts.close();
    expect(closed.slice(2).sort()).toEqual(['connector https://b.example.com', 'connector https://new.example.com', 'slots https://b.example.com', 'slots https://new.example.com']);
  });

  it('closes every connector, current and retiring, on close', async () => {
    const { accounts, made } = setUp();
    const pending = accounts.get(A)?.connector.updateUser('6', '<user/>', '');
    void accounts.replace([account(A, 'https://new.example.com')]);
    const closing = accounts.close();
    made[0]?.release();
    await pending;
    await closing;
    expect(made.map((m) => m.closed)).toEqual([true, true]);
  });
});
