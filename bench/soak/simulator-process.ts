/**
 * The soak's Jamf: a simulator in its own process (forked by soak.ts, driven over IPC), with the users
 * the soak updates and faults injected at a steady rate: Jamf answering 503 or 500 (a status page,
 * write not carried out) and connections reset without an answer.
 */
import { startJamfSimulator } from '../../src/jamf/simulator';
import type { FaultAction } from '../../src/jamf/simulator/faults';

export type ToSimulator =
  | { type: 'users'; ids: number[] }
  | { type: 'faults'; rate: number; seed: number }
  | { type: 'stats' }
  | { type: 'stop' };

export interface SimulatorStats {
  type: 'stats';
  requests: number;
  puts: number;
  gets: number;
  tokenRequests: number;
  connectionsOpened: number;
  injected: Record<'503' | '500' | 'reset', number>;
}

export type FromSimulator = { type: 'ready'; url: string } | SimulatorStats | { type: 'done' };

const send = (message: FromSimulator): void => {
  process.send?.(message);
};

async function main(): Promise<void> {
  const simulator = await startJamfSimulator();
  const injected = { '503': 0, '500': 0, reset: 0 };
  // Count what the faults hand out (take() decides and uses up the fault of each /JSSResource call).
  const take = simulator.faults.take.bind(simulator.faults);
  simulator.faults.take = (): FaultAction | undefined => {
    const fault = take();
    if (fault?.kind === 'reset') injected.reset++;
    else if (fault?.kind === 'fail') injected[fault.status === 503 ? '503' : '500']++;
    return fault;
  };
  let timer: NodeJS.Timeout | undefined;

  process.on('message', (message: ToSimulator) => {
    switch (message.type) {
      case 'users':
        for (const id of message.ids) simulator.users.set({ id, name: `soak-user-${id}`, email: '', email_address: '', position: '', sites: [] });
        send({ type: 'stats', ...stats() });
        break;
      case 'faults': {
        // 80 % of the rate as error statuses (503 and 500 in turn, 100 ms each; seeded), 20 % as resets
        // (spread over the calls actually seen).
        let status = 503;
        let seed = message.seed;
        let seen = simulator.counters.requests;
        let carry = 0;
        const statusRate = message.rate * 0.8;
        const resetRate = message.rate * 0.2;
        simulator.faults.failRate(statusRate, status, seed++);
        timer = setInterval(() => {
          status = status === 503 ? 500 : 503;
          simulator.faults.failRate(statusRate, status, seed++);
          const now = simulator.counters.requests;
          carry += (now - seen) * resetRate;
          seen = now;
          const resets = Math.floor(carry);
          carry -= resets;
          if (resets > 0) simulator.faults.resetNext(resets);
        }, 100);
        send({ type: 'stats', ...stats() });
        break;
      }
      case 'stats':
        send({ type: 'stats', ...stats() });
        break;
      case 'stop':
        if (timer) clearInterval(timer);
        void simulator.close().then(() => {
          send({ type: 'done' });
          process.exit(0);
        });
        break;
    }
  });

  function stats(): Omit<SimulatorStats, 'type'> {
    const c = simulator.counters;
    return { requests: c.requests, puts: c.puts, gets: c.gets, tokenRequests: c.tokenRequests, connectionsOpened: c.connectionsOpened, injected: { ...injected } };
  }

  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', url: simulator.url });
}

main().catch((err: unknown) => {
  process.stderr.write(`soak simulator: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
