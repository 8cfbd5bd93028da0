import { fixture } from '../../helpers/fixtures';
import { JamfConnectionError, JamfCredentialsError, JamfResponseError, JamfStatusError, JamfTimeoutError, RemoteError } from '../../../src/errors';
import { Deadline } from '../../../src/jamf/connector/deadline';
import { callFailure, forwardableHeaders, statusError } from '../../../src/jamf/connector/jamf-errors';
import { renderStatusPage } from '../../../src/jamf/simulator';
import { fullNameXml, rejection, rigPerTest } from './helpers';


describe('Jamf connector: Jamf errors as remote errors', () => {
  const rig = rigPerTest();

  it('passes on a 409 with Jamf\'s "Error: …" message and its HTML page', async () => {
    const err = await rejection(rig.connector().updateUser('6', '<user><name>user28</name></user>', ''));
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.status).toBe(409);
    expect(err.message).toBe('Error: Duplicate name');
    expect(err.rawResponse).toBe(renderStatusPage(409, 'Error: Duplicate name'));
    expect(rig.sim.users.get(6)?.name).toBe('Twanda9039');
  });

  it('passes on a 404 for a user Jamf does not have', async () => {
    const err = await rejection(rig.connector().updateUser('424242', fullNameXml('Nobody'), ''));
    expect(err.status).toBe(404);
    expect(err.message).toBe('The server has not found anything matching the request URI');
    expect(err.rawResponse).toBe(renderStatusPage(404));
    expect(rig.sim.counters).toMatchObject({ puts: 1, gets: 0 });
  });

  it('passes on a 400 for a body Jamf cannot read', async () => {
    const err = await rejection(rig.connector().updateUser('6', '<user><full_name>unclosed</user>', ''));
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/^Error: Unable to parse XML: /);
    expect(err.rawResponse).toContain('<title>Status page</title>');
    expect(err.rawResponse).toContain('>Bad Request</p>');
  });

  it('passes on a 403 with the page\'s message', async () => {
    rig.sim.faults.failNext(1, 403, { message: 'Error: You do not have permission to update users' });
    const err = await rejection(rig.connector().updateUser('6', fullNameXml('X'), ''));
    expect(err.status).toBe(403);
    expect(err.message).toBe('Error: You do not have permission to update users');
    expect(err.rawResponse).toBe(renderStatusPage(403, 'Error: You do not have permission to update users'));
  });

  it('reads Jamf\'s own 409 page byte for byte (the fixture from a real Jamf)', async () => {
    const page = fixture('classic_error_409_conflict.html');
    rig.sim.faults.failNext(1, 409, { message: 'Error: Not authorized for a user PUT' });
    const err = await rejection(rig.connector().updateUser('6', fullNameXml('X'), ''));
    expect(err.message).toBe('Error: Not authorized for a user PUT');
    expect((err.rawResponse as string).trimEnd()).toBe(page.trimEnd());
  });

  it.each([422, 500])('keeps Jamf\'s %i as the status, with Jamf\'s message and page', async (status) => {
    rig.sim.faults.failNext(1, status, { message: 'Error: database is gone' });
    const err = await rejection(rig.connector().updateUser('6', fullNameXml('X'), ''));
    expect(err).toBeInstanceOf(JamfStatusError);
    expect(err.status).toBe(status);
    expect(err.message).toBe('Error: database is gone');
    expect(err.rawResponse).toBe(renderStatusPage(status, 'Error: database is gone'));
    expect(rig.sim.counters.requests).toBe(1); // not retried
  });

  it.each([429, 503])('passes on the Retry-After of a final %i as the answer\'s own header, and Jamf\'s other headers to forward', async (status) => {
    rig.sim.faults.failNext(3, status, { retryAfter: 30 });
    const err = (await rejection(rig.connector({ timeout_ms: 2000 }).updateUser('6', fullNameXml('X'), ''))) as unknown as JamfStatusError;
    expect(err).toBeInstanceOf(JamfStatusError);
    expect(err.status).toBe(status);
    expect(err.headers).toEqual({ 'Retry-After': '30' });
    expect(err.remoteHeaders).toMatchObject({ 'retry-after': '30' });
    expect(err.remoteHeaders.date).toEqual(expect.any(String));
    for (const name of ['content-type', 'content-length', 'connection', 'keep-alive', 'set-cookie']) expect(err.remoteHeaders).not.toHaveProperty(name);
  });

  it('passes on the query string to the PUT and escapes the user id', async () => {
    const connector = rig.connector();
    await connector.updateUser('6', fullNameXml('Q'), 'foo=bar&x=1');
    expect(rig.sim.received[0]).toMatchObject({ method: 'PUT', path: '/JSSResource/users/id/6', query: 'foo=bar&x=1' });
    const err = await rejection(connector.updateUser('6/../1', fullNameXml('Q'), ''));
    expect(err.status).toBe(404);
    expect(rig.sim.received[1]?.path).toBe('/JSSResource/users/id/6%2F..%2F1');
    expect(rig.sim.users.get(1)?.full_name).toBe('User 28');
  });
});

describe('forwardableHeaders', () => {
  it('drops hop-by-hop, body framing, cookie, challenge and credential headers, and joins repeated ones', () => {
    expect(forwardableHeaders({
      connection: 'keep-alive, x-hop', 'keep-alive': 'timeout=5', 'transfer-encoding': 'chunked', upgrade: 'h2c', te: 'trailers', trailer: 'x',
      'proxy-authenticate': 'Basic', 'proxy-connection': 'keep-alive', 'x-hop': 'named by Connection',
      'content-length': '10', 'content-encoding': 'gzip', 'content-type': 'text/html', 'set-cookie': ['a=b', 'c=d'], 'www-authenticate': 'Bearer',
      authorization: 'Bearer t', 'x-auth-user': 'u', 'x-csrf-token': 't', 'X-Token-Expiry': 'soon',
      date: 'Wed, 21 Oct 2015 07:28:00 GMT', 'retry-after': '5', 'x-request-id': 'abc', vary: ['accept', 'origin'], 'x-empty': undefined,
    })).toEqual({ date: 'Wed, 21 Oct 2015 07:28:00 GMT', 'retry-after': '5', 'x-request-id': 'abc', vary: 'accept, origin' });
  });
});

describe('statusError and callFailure: the status table', () => {
  const page = renderStatusPage(409, 'Error: Duplicate name');

  it.each([400, 403, 404, 409, 422, 429, 500, 501, 502, 503, 504])('keeps Jamf\'s %i', (status) => {
    const err = statusError(status, page, {}, 'PUT', 'acct');
    expect(err).toBeInstanceOf(JamfStatusError);
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.status).toBe(status);
    expect(err.message).toBe('Error: Duplicate name');
  });

  it.each([301, 302, 304, 100])('answers a %i (no result, no error) as an unusable answer: 502', (status) => {
    const err = statusError(status, 'moved', { location: 'https://elsewhere' }, 'GET', 'acct');
    expect(err).toBeInstanceOf(JamfResponseError);
    expect(err).toMatchObject({ status: 502, rawResponse: 'moved' });
  });

  it('names the call and the account when Jamf\'s body says nothing', () => {
    expect(statusError(500, '', {}, 'GET', 'acct-1').message).toBe('Jamf answered 500 to the GET of integrated account acct-1.');
  });

  it('names both causes of a final 401 and the privilege of the call', () => {
    expect(statusError(401, renderStatusPage(401), {}, 'GET', 'acct-1').message).toBe(
      'Jamf refused the GET with 401 (The request requires user authentication) although its token was issued after a 401: '
      + 'either the credentials of integrated account acct-1 were rejected, or its Jamf account lacks the privilege to read Users (Jamf "Users" Read privilege).');
  });

  it('answers a failure after the deadline as 504 and a connection failure as 502, naming the call', async () => {
    const where = { accountId: 'acct-1', origin: 'https://x.jamfcloud.com' };
    const passed = new Deadline(1);
    const running = new Deadline(60_000);
    try {
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(passed.passed).toBe(true);
      const reset = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
      const timeout = callFailure(reset, 'token request', passed, where);
      expect(timeout).toBeInstanceOf(JamfTimeoutError);
      expect(timeout).toMatchObject({ status: 504, rawResponse: null, message: 'Jamf did not answer the token request within 1 ms (timeout_ms of integrated account acct-1).' });
      const failed = callFailure(reset, 'GET', running, where);
      expect(failed).toBeInstanceOf(JamfConnectionError);
      expect(failed).toMatchObject({ status: 502, message: 'The connection to Jamf at https://x.jamfcloud.com failed during the GET: UND_ERR_SOCKET.' });
      const headersTimeout = Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' });
      expect(callFailure(headersTimeout, 'PUT', running, where)).toBeInstanceOf(JamfTimeoutError);
      const own = new JamfCredentialsError(401, 'rejected', '', {});
      expect(callFailure(own, 'PUT', running, where)).toBe(own);
    } finally {
      passed.clear();
      running.clear();
    }
  });
});
