import { fixture } from '../../helpers/fixtures';
import { RemoteError } from '../../../src/errors';
import { renderStatusPage } from '../../../src/jamf/simulator';
import { fullNameXml, rejection, startRig, type Rig } from './helpers';


describe('Jamf connector: Jamf errors as remote errors', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(() => rig.close());

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

  it('turns a Jamf 500 into a 502 remote error that quotes Jamf', async () => {
    rig.sim.faults.failNext(1, 500, { message: 'Error: database is gone' });
    const err = await rejection(rig.connector().updateUser('6', fullNameXml('X'), ''));
    expect(err.status).toBe(502);
    expect(err.message).toBe('Jamf answered 500: Error: database is gone');
    expect(err.rawResponse).toBe(renderStatusPage(500, 'Error: database is gone'));
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
