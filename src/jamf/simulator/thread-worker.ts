/**
 * The simulator's own thread (started by thread.ts): a {@link SimulatorServer} on loopback, with its
 * controls (users, faults, counters) answered synchronously to the thread that started it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { FaultControls } from './faults';
import { SimulatorServer } from './server';
import { answerCalls, type CalleeEnd } from './sync-call';
import type { SimulatorOptions } from './types';

/** What the starting thread hands the worker. */
export interface ThreadData {
  options: SimulatorOptions;
  calls: CalleeEnd;
}

/** Messages from the worker to the thread that started it. */
export type ThreadMessage =
  | { kind: 'ready'; url: string; stickyCookie: string }
  | { kind: 'failed'; message: string }
  | { kind: 'closed' };

/** The fault fields a test may read and set. */
export type FaultField = 'delayMs' | 'hang' | 'collapseSingleItemLists' | 'largeField' | 'staleReadsWithoutCookie';

/** The operations the worker answers, by name: what a {@link JamfSimulator} handle offers besides `close()`. */
export function controlsOf(simulator: SimulatorServer) {
  const { users } = simulator;
  const faults: FaultControls = simulator.faults;
  return {
    'users.get': (id: number) => users.get(id),
    'users.set': (user: Parameters<typeof users.set>[0]) => users.set(user),
    'users.delete': (id: number) => users.delete(id),
    'users.list': () => users.list(),
    'faults.get': <F extends FaultField>(field: F): FaultControls[F] => faults[field],
    'faults.set': <F extends FaultField>(field: F, value: FaultControls[F]): void => { faults[field] = value; },
    'faults.failNext': (...args: Parameters<FaultControls['failNext']>) => faults.failNext(...args),
    'faults.failRate': (...args: Parameters<FaultControls['failRate']>) => faults.failRate(...args),
    'faults.resetNext': (count: number) => faults.resetNext(count),
    'faults.garbleNext': (count: number) => faults.garbleNext(count),
    'faults.reset': () => faults.reset(),
    counters: () => ({ ...simulator.counters }),
    received: () => simulator.received,
    resetCounters: () => simulator.resetCounters(),
    expireAllTokens: () => simulator.expireAllTokens(),
    issuedTokens: () => simulator.issuedTokens(),
  };
}

/** The operations' types, for the calling side. */
export type Controls = ReturnType<typeof controlsOf>;

async function main(port: NonNullable<typeof parentPort>): Promise<void> {
  const { options, calls } = workerData as ThreadData;
  const post = (message: ThreadMessage): void => port.postMessage(message);
  let simulator: SimulatorServer;
  try {
    simulator = await SimulatorServer.start(options);
  } catch (err) {
    post({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
    return;
  }
  answerCalls(calls, controlsOf(simulator));
  port.once('message', () => {
    // The one message the starting thread sends: close.
    void simulator.close().then(() => {
      calls.port.close();
      post({ kind: 'closed' });
      port.close();
    });
  });
  post({ kind: 'ready', url: simulator.url, stickyCookie: simulator.stickyCookie });
}

if (parentPort) void main(parentPort);
