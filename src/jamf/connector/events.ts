import type { ConnectorEvents } from './types';

/** The event one observer of {@link ConnectorEvents} is called with. */
export type EventOf<K extends keyof ConnectorEvents> = Parameters<NonNullable<ConnectorEvents[K]>>[0];

/** Calls the observer `name`, if any; an observer that throws cannot fail the call it observes. */
export function notify<K extends keyof ConnectorEvents>(events: ConnectorEvents | undefined, name: K, event: EventOf<K>): void {
  const observer = events?.[name] as ((event: EventOf<K>) => void) | undefined;
  if (observer === undefined) return;
  try {
    observer.call(events, event);
  } catch {
    // Metrics and debug logs are no reason to fail a call to Jamf.
  }
}
