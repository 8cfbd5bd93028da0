/**
 * A Jamf simulator in its own process whose GET of user 23423523 answers about BENCH_LARGE_BYTES bytes
 * (default 100 MB), streamed in chunks: the remote body of the `truto_response_format=stream` check.
 */
import { startJamfSimulator } from '../../src/jamf/simulator';
import { announce, exitWithParent, USER_ID } from '../common';

async function main(): Promise<void> {
  const simulator = await startJamfSimulator({ host: '127.0.0.1', port: 0 });
  simulator.faults.largeField = { userId: Number(USER_ID), bytes: Number(process.env.BENCH_LARGE_BYTES ?? 100 * 1024 * 1024) };
  announce(simulator.url);
  exitWithParent(() => simulator.close());
}

void main();
