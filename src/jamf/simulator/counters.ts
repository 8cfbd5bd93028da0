import type { ReceivedRequest, SimulatorCounters } from './types';

/** How many received requests (with bodies) are kept for tests. */
export const RECEIVED_LIMIT = 100;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The simulator's counters, written by the server and read through the read-only {@link SimulatorCounters}. */
export class CounterBoard {
  readonly values: Mutable<SimulatorCounters> = {
    tokenRequests: 0,
    requests: 0,
    puts: 0,
    gets: 0,
    inFlight: 0,
    peakConcurrency: 0,
    connectionsOpened: 0,
    bodiesReceived: 0,
    stickyCookieSeen: 0,
  };

  /** The last {@link RECEIVED_LIMIT} `/JSSResource` requests with a body, oldest first. */
  readonly received: ReceivedRequest[] = [];

  started(): void {
    const v = this.values;
    v.requests++;
    v.inFlight++;
    if (v.inFlight > v.peakConcurrency) v.peakConcurrency = v.inFlight;
  }

  finished(): void {
    this.values.inFlight--;
  }

  receivedBody(request: ReceivedRequest): void {
    this.values.bodiesReceived++;
    this.received.push(request);
    if (this.received.length > RECEIVED_LIMIT) this.received.splice(0, this.received.length - RECEIVED_LIMIT);
  }

  /** Zeroes everything but `inFlight` (still true); `peakConcurrency` restarts from it. */
  reset(): void {
    const v = this.values;
    v.tokenRequests = 0;
    v.requests = 0;
    v.puts = 0;
    v.gets = 0;
    v.peakConcurrency = v.inFlight;
    v.connectionsOpened = 0;
    v.bodiesReceived = 0;
    v.stickyCookieSeen = 0;
    this.received.length = 0;
  }
}
