import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ConnectorEvents } from '../../jamf';
import type { Load } from '../accounts/registry';

/** Buckets of request durations, seconds: from a cached answer to a Jamf call near its deadline. */
const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * This server's Prometheus metrics, in a registry of their own (never prom-client's global one, so
 * that several apps in one process do not collide): the default process and Node metrics, request
 * durations, Jamf calls, and counters of what operators watch for. Every label value comes from a
 * fixed set (no user or account ids).
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds', help: 'Time to answer a request, by method, route template and status.',
    labelNames: ['method', 'route', 'status_code'] as const, buckets: SECONDS, registers: [this.registry],
  });
  readonly jamfDuration = new Histogram({
    name: 'jamf_request_duration_seconds', help: "Time of one HTTP attempt to Jamf until its answer's head, by operation and outcome.",
    labelNames: ['operation', 'outcome'] as const, buckets: SECONDS, registers: [this.registry],
  });
  readonly tokenRequests = new Counter({
    name: 'jamf_token_requests_total', help: 'Token requests to Jamf (one per renewal, however many callers waited on it), by outcome.',
    labelNames: ['outcome'] as const, registers: [this.registry],
  });
  readonly retries = new Counter({
    name: 'jamf_retries_total', help: 'Jamf calls tried again after a connection failure or a 502/503/504, by operation.',
    labelNames: ['operation'] as const, registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'rate_limit_refusals_total', help: 'Requests refused with 429 by a rate limit of this server: per API token (token) or per integrated account (account).',
    labelNames: ['limit'] as const, registers: [this.registry],
  });
  readonly replays = new Counter({
    name: 'idempotent_replays_total', help: 'Updates answered from an earlier request with the same Idempotency-Key, without writing to Jamf.',
    registers: [this.registry],
  });

  /** `load` tells the Jamf calls running and waiting now, read at each scrape. */
  constructor(load: () => Load) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({ name: 'jamf_requests_in_flight', help: 'Jamf calls running now (this process).', registers: [this.registry], collect() { this.set(load().running); } });
    new Gauge({ name: 'jamf_requests_queued', help: 'Jamf calls waiting for a free slot of their account (max_concurrency), this process.', registers: [this.registry], collect() { this.set(load().waiting); } });
  }

  /** Observers for the Jamf connectors: durations, token requests and retries. */
  connectorEvents(): ConnectorEvents {
    return {
      call: (event) => this.jamfDuration.observe({ operation: event.operation, outcome: event.outcome }, event.ms / 1000),
      retry: (event) => this.retries.inc({ operation: event.operation }),
      tokenRequest: (event) => this.tokenRequests.inc({ outcome: event.outcome }),
    };
  }

  /** The text of a scrape, and its content type. */
  async scrape(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
