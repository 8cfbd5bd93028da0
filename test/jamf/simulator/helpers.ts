import { DEFAULT_CREDENTIALS, type JamfSimulator } from '../../../src/jamf/simulator';

const client = DEFAULT_CREDENTIALS.clients[0] as { client_id: string; client_secret: string };
export const adminUser = DEFAULT_CREDENTIALS.users[0] as { username: string; password: string };

export { fixture } from '../../helpers/fixtures';

export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** Gets a bearer token with the OAuth client-credentials flow. */
export async function oauthToken(sim: JamfSimulator, id = client.client_id, secret = client.client_secret): Promise<string> {
  const res = await fetch(`${sim.url}/api/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: secret }),
  });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export function getUser(sim: JamfSimulator, token: string, id: number | string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${sim.url}/JSSResource/users/id/${id}`, { headers: { Authorization: `Bearer ${token}`, ...headers } });
}

export async function getUserJson(sim: JamfSimulator, token: string, id: number): Promise<Record<string, unknown>> {
  const res = await getUser(sim, token, id, { Accept: 'application/json' });
  expect(res.status).toBe(200);
  return ((await res.json()) as { user: Record<string, unknown> }).user;
}

export function putUser(sim: JamfSimulator, token: string, id: number | string, xml: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${sim.url}/JSSResource/users/id/${id}`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/xml', ...headers },
    body: xml,
  });
}

/** The second `<p>` of a Jamf status page: its message. */
export function statusMessage(html: string): string | undefined {
  return /<p>([^<]*)<\/p>/.exec(html)?.[1];
}

/** Resolves once `condition()` holds, polling every millisecond; throws after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
