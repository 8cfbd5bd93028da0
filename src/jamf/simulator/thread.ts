/**
 * A simulator in a worker thread of its own: still a real HTTP server on loopback, but its requests run
 * off the calling thread's event loop (the server it stands behind keeps that loop to itself). The handle
 * is a {@link JamfSimulator} like the in-thread one: users, faults, counters and tokens are read and
 * changed synchronously, each access a call into the worker (see sync-call.ts).
 */
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import type { FailOptions, FaultControls, LargeFieldFault } from './faults';
import { DuplicateNameError } from './store';
import { SyncCaller, workerSource, type ErrorShape } from './sync-call';
import type { Controls, FaultField, ThreadData, ThreadMessage } from './thread-worker';
import type { JamfSimulator, ReceivedRequest, SimulatorCounters, SimulatorOptions, SimulatorUserStore } from './types';

const COUNTERS: ReadonlyArray<keyof SimulatorCounters> = [
  'tokenRequests', 'requests', 'puts', 'gets', 'inFlight', 'peakConcurrency', 'connectionsOpened', 'bodiesReceived', 'stickyCookieSeen',
];

/** The worker's error, rebuilt as the class the in-thread simulator throws. */
function revive({ name, message, fields }: ErrorShape): Error {
  if (name === 'DuplicateNameError') return new DuplicateNameError(String(fields.userName), Number(fields.ownerId));
  if (name === 'TypeError') return new TypeError(message);
  if (name === 'RangeError') return new RangeError(message);
  return Object.assign(new Error(message), { name });
}

/** Faults set in the worker: each field read or written, each method called, there. */
class ThreadFaults implements FaultControls {
  constructor(private readonly calls: SyncCaller<Controls>) {}
  private get<F extends FaultField>(field: F): FaultControls[F] { return this.calls.call('faults.get', field) as FaultControls[F]; }
  private set<F extends FaultField>(field: F, value: FaultControls[F]): void { this.calls.call('faults.set', field, value); }
  get delayMs(): number { return this.get('delayMs'); }
  set delayMs(ms: number) { this.set('delayMs', ms); }
  get hang(): boolean { return this.get('hang'); }
  set hang(on: boolean) { this.set('hang', on); }
  get collapseSingleItemLists(): boolean { return this.get('collapseSingleItemLists'); }
  set collapseSingleItemLists(on: boolean) { this.set('collapseSingleItemLists', on); }
  get largeField(): LargeFieldFault | undefined { return this.get('largeField'); }
  set largeField(fault: LargeFieldFault | undefined) { this.set('largeField', fault); }
  get staleReadsWithoutCookie(): boolean { return this.get('staleReadsWithoutCookie'); }
  set staleReadsWithoutCookie(on: boolean) { this.set('staleReadsWithoutCookie', on); }
  failNext(count: number, status: number, options?: FailOptions): void { this.calls.call('faults.failNext', count, status, options); }
  failRate(fraction: number, status: number, seed?: number, options?: FailOptions): void { this.calls.call('faults.failRate', fraction, status, seed, options); }
  resetNext(count: number): void { this.calls.call('faults.resetNext', count); }
  garbleNext(count: number): void { this.calls.call('faults.garbleNext', count); }
  reset(): void { this.calls.call('faults.reset'); }
}

/** The handle of a simulator running in its own worker thread. */
class ThreadSimulator implements JamfSimulator {
  readonly users: SimulatorUserStore;
  readonly faults: FaultControls;
  readonly counters: SimulatorCounters;
  private closed: Promise<void> | undefined;

  constructor(private readonly worker: Worker, private readonly calls: SyncCaller<Controls>, readonly url: string, readonly stickyCookie: string) {
    this.users = {
      get: (id) => calls.call('users.get', id),
      set: (user) => calls.call('users.set', user),
      delete: (id) => calls.call('users.delete', id),
      list: () => calls.call('users.list'),
    };
    this.faults = new ThreadFaults(calls);
    // Live, as the in-thread counters are: each read asks the worker.
    this.counters = Object.defineProperties({}, Object.fromEntries(COUNTERS.map((key) => [key, { enumerable: true, get: () => calls.call('counters')[key] }]))) as SimulatorCounters;
    worker.once('exit', () => calls.stop('the simulator thread has stopped'));
    worker.on('error', (err) => calls.stop(`the simulator thread failed: ${err.message}`));
  }

  get received(): readonly ReceivedRequest[] {
    return this.calls.call('received');
  }

  resetCounters(): void { this.calls.call('resetCounters'); }
  expireAllTokens(): void { this.calls.call('expireAllTokens'); }
  issuedTokens(): Array<{ token: string; kind: 'oauth' | 'user'; expiresAt: number }> { return this.calls.call('issuedTokens'); }

  close(): Promise<void> {
    this.closed ??= (async () => {
      if (this.worker.threadId === -1) return; // already stopped
      const done = once(this.worker, 'exit');
      this.worker.postMessage('close');
      await Promise.race([done, once(this.worker, 'message')]);
      await this.worker.terminate();
    })();
    return this.closed;
  }
}

/** Starts a simulator in a worker thread of its own; it listens on `127.0.0.1` on a free port unless told otherwise. */
export async function startSimulatorThread(options: SimulatorOptions = {}): Promise<JamfSimulator> {
  const { caller, calleeEnd } = SyncCaller.open<Controls>(revive);
  const { source, eval: isCode } = workerSource(__dirname, 'thread-worker', __filename);
  const data: ThreadData = { options, calls: calleeEnd };
  const worker = new Worker(source, { eval: isCode, workerData: data, transferList: [calleeEnd.port] });
  const [message] = (await Promise.race([
    once(worker, 'message'),
    once(worker, 'exit').then(([code]) => [{ kind: 'failed', message: `the simulator thread exited with ${String(code)} before listening` }]),
  ])) as [ThreadMessage];
  if (message.kind !== 'ready') {
    await worker.terminate();
    throw new Error(message.kind === 'failed' ? message.message : 'the simulator thread did not start');
  }
  return new ThreadSimulator(worker, caller, message.url, message.stickyCookie);
}
