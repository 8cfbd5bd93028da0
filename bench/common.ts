/**
 * What every variant of the benchmark is asked: the original example request of the Update Users API,
 * and what Jamf holds and answers for it.
 */
import { toJamfUserXml } from '../src/jamf/mapping/to-jamf';
import { toUnifiedUser, withoutFields } from '../src/jamf/mapping/from-jamf';
import { seedUsers } from '../src/jamf/simulator/seed';
import type { JamfUserEnvelope } from '../src/jamf/connector/types';

export const ACCOUNT_ID = '62f44730-dd91-461e-bd6a-aedd9e0ad79d';
export const USER_ID = '23423523';
export const API_TOKEN = 'bench-api-token-0123456789abcdef';
/** The simulator's default API client (DEFAULT_CREDENTIALS of the simulator, also main.ts's default). */
export const SIM_CLIENT = { client_id: 'sim-client', client_secret: 'sim-secret' } as const;

/** The path and query of the reference example, exactly as the reference writes it (brackets unencoded). */
export const PATCH_PATH =
  `/unified/mdm/users/${USER_ID}?integrated_account_id=${ACCOUNT_ID}&truto_response_format=unified` +
  '&truto_exclude_fields[]=id&truto_exclude_fields[]=name&remote_query[foo]=bar';
/** The reference example's body. */
export const PATCH_BODY_OBJECT = { name: 'jdoe2', emails: [{ email: 'john.doe@example.com', type: 'work', is_primary: true }] };
export const PATCH_BODY = JSON.stringify(PATCH_BODY_OBJECT);
export const PATCH_HEADERS: Record<string, string> = {
  authorization: `Bearer ${API_TOKEN}`,
  'content-type': 'application/json',
  accept: 'application/json',
};

/** Jamf's side of the same update: the XML the gateway writes, and the query `remote_query[foo]=bar` becomes. */
export const JAMF_PUT_XML = toJamfUserXml(PATCH_BODY_OBJECT);
export const JAMF_PUT_QUERY = 'foo=bar';
export const JAMF_USER_PATH = `/JSSResource/users/id/${USER_ID}`;

/** User 23423523 as the simulator holds it after the update, as Jamf's JSON text `{"user": …}`. */
export function jamfUserAfterUpdate(): JamfUserEnvelope {
  const user = seedUsers().find((u) => String(u.id) === USER_ID);
  if (!user) throw new Error(`the simulator seeds no user ${USER_ID}`);
  return { user: { ...user, name: PATCH_BODY_OBJECT.name } } as unknown as JamfUserEnvelope;
}
export const JAMF_USER_JSON = JSON.stringify(jamfUserAfterUpdate());

/** The unified answer to the example request (what the floor answers, fixed). */
export function unifiedAnswer(): unknown {
  return withoutFields(toUnifiedUser(jamfUserAfterUpdate().user), ['id', 'name'], undefined);
}

/** A message a bench server sends its parent over IPC once it listens. */
export interface ReadyMessage {
  ready: true;
  url: string;
}

/** Tells the parent (over IPC) where this server listens. */
export function announce(url: string): void {
  if (process.send) process.send({ ready: true, url } satisfies ReadyMessage);
  else process.stdout.write(`${JSON.stringify({ url })}\n`);
}

/** Ends the process on SIGTERM/SIGINT or when the parent goes away. */
export function exitWithParent(close: () => Promise<void> | void = () => undefined): void {
  const stop = (): void => {
    Promise.resolve(close()).finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('disconnect', stop);
}
