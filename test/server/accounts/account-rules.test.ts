import { checkAccounts } from '../../../src/server/accounts/account-rules';

const id = '62f44730-dd91-461e-bd6a-aedd9e0ad79d';
const good = { id, integration: 'jamf', context: { instance_url: 'https://example.jamfcloud.com', auth: { type: 'client_credentials', client_id: 'c', client_secret: 's3cr3t' }, timeout_ms: 30000, max_concurrency: 5 } };
const withContext = (context: Record<string, unknown>) => ({ accounts: [{ ...good, context: { ...good.context, ...context } }] });

describe('checkAccounts', () => {
  it('accepts the documented shapes, client credentials and basic, with a rate limit', () => {
    const basic = { ...good, id: '3c1e0f4e-0f7e-4b55-a7d4-6f3b1d9c0e03', context: { instance_url: 'https://jamf.example.com:8443/', auth: { type: 'basic', username: 'u', password: 'p' }, rate_limit: '50/10s' } };
    const { rate_limit: _, ...basicContext } = basic.context;
    expect(checkAccounts({ accounts: [good, basic] })).toEqual({
      accounts: [good, { ...basic, context: basicContext, rateLimit: { requests: 50, seconds: 10 } }],
      problems: [],
    });
  });

  it.each([
    { name: 'no accounts list', given: {}, problem: 'the file must hold a JSON object {"accounts": [...]}.' },
    { name: 'an empty accounts list', given: { accounts: [] }, problem: 'accounts is empty; list at least one integrated account.' },
    { name: 'an unknown top-level key', given: { accounts: [good], acounts: [] }, problem: 'acounts is not a known key; the keys here are accounts.' },
    { name: 'a misspelt context key', given: withContext({ max_concurency: 5 }), problem: 'accounts[0].context.max_concurency is not a known key; the keys here are instance_url, auth, timeout_ms, max_concurrency, max_queue, rate_limit.' },
    { name: 'an unknown account key', given: { accounts: [{ ...good, name: 'x' }] }, problem: 'accounts[0].name is not a known key; the keys here are id, integration, context.' },
    { name: 'a key of the other auth type', given: withContext({ auth: { type: 'client_credentials', client_id: 'c', client_secret: 's', password: 'p' } }), problem: 'accounts[0].context.auth.password is not a known key; the keys here are type, client_id, client_secret.' },
    { name: 'an odd key, quoted and escaped', given: withContext({ 'max queue\n': 1 }), problem: 'accounts[0].context["max queue\\n"] is not a known key; the keys here are instance_url, auth, timeout_ms, max_concurrency, max_queue, rate_limit.' },
    { name: 'a bad id', given: { accounts: [{ ...good, id: 'abc' }] }, problem: 'accounts[0].id must be a UUID.' },
    { name: 'a duplicate id', given: { accounts: [good, good] }, problem: 'accounts[1].id is the id of accounts[0] too; give each account its own id.' },
    { name: 'another integration', given: { accounts: [{ ...good, integration: 'intune' }] }, problem: 'accounts[0].integration must be "jamf".' },
    { name: 'a bad instance_url', given: withContext({ instance_url: 'example' }), problem: 'accounts[0].context.instance_url must be an absolute URL such as https://example.jamfcloud.com.' },
    { name: 'credentials in the URL', given: withContext({ instance_url: 'https://u:p@example.com' }), problem: 'accounts[0].context.instance_url must hold no query, fragment or credentials; put credentials in "auth".' },
    { name: 'an unknown auth type', given: withContext({ auth: { type: 'token' } }), problem: 'accounts[0].context.auth.type must be "client_credentials" (Jamf API client) or "basic" (Jamf user account).' },
    { name: 'a missing client_secret', given: withContext({ auth: { type: 'client_credentials', client_id: 'c' } }), problem: 'accounts[0].context.auth.client_secret must be a non-empty string.' },
    { name: 'a missing password', given: withContext({ auth: { type: 'basic', username: 'u' } }), problem: 'accounts[0].context.auth.password must be a non-empty string.' },
    { name: 'a timeout that is not a number', given: withContext({ timeout_ms: '30s' }), problem: 'accounts[0].context.timeout_ms must be a whole number from 100 to 600000.' },
    { name: 'a concurrency of 0', given: withContext({ max_concurrency: 0 }), problem: 'accounts[0].context.max_concurrency must be a whole number from 1 to 100.' },
    { name: 'a bad rate limit', given: withContext({ rate_limit: 'lots' }), problem: 'accounts[0].context.rate_limit must be a string such as "50/10s" (requests per seconds) or "off".' },
  ])('refuses $name, naming the path', ({ given, problem }) => {
    expect(checkAccounts(given)).toEqual({ accounts: [], problems: [problem] });
  });

  it('reports every problem of the file at once', () => {
    const second = { id: 'nope', integration: 'intune', context: { instance_url: 'ftp://x', auth: { type: 'basic' }, max_concurency: 2 } };
    const { problems } = checkAccounts({ accounts: [withContext({ timeout_ms: 1 }).accounts[0], second] });
    expect(problems).toEqual([
      'accounts[0].context.timeout_ms must be a whole number from 100 to 600000.',
      'accounts[1].id must be a UUID.',
      'accounts[1].integration must be "jamf".',
      'accounts[1].context.max_concurency is not a known key; the keys here are instance_url, auth, timeout_ms, max_concurrency, max_queue, rate_limit.',
      'accounts[1].context.instance_url must be an http(s) URL.',
      'accounts[1].context.auth.username must be a non-empty string.',
      'accounts[1].context.auth.password must be a non-empty string.',
    ]);
  });

  it('never repeats a value of the file in its messages', () => {
    const values = ['s3cr3t-value', 'not-a-uuid-value', 'lots-of-value'];
    const { problems } = checkAccounts({ accounts: [
      { ...good, id: values[1], context: { ...good.context, auth: { type: 'client_credentials', client_id: '', client_secret: values[0] }, rate_limit: values[2], instance_url: `https://x.example.com/?k=${values[0]}` } },
    ] });
    expect(problems.length).toBeGreaterThanOrEqual(4);
    for (const value of values) expect(problems.join('\n')).not.toContain(value);
  });
});
