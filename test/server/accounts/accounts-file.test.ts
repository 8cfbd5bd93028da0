import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccountsFileError, parseAccounts, readAccountsFile } from '../../../src/server/accounts/accounts-file';

const id = '62f44730-dd91-461e-bd6a-aedd9e0ad79d';
const good = { id, integration: 'jamf', context: { instance_url: 'https://example.jamfcloud.com', auth: { type: 'client_credentials', client_id: 'c', client_secret: 's3cr3t' }, timeout_ms: 30000, max_concurrency: 5 } };
const withContext = (context: Record<string, unknown>) => ({ accounts: [{ ...good, context: { ...good.context, ...context } }] });

describe('parseAccounts', () => {
  it('accepts the documented shapes, client credentials and basic', () => {
    const basic = { ...good, id: '3c1e0f4e-0f7e-4b55-a7d4-6f3b1d9c0e03', context: { instance_url: 'https://jamf.example.com:8443/', auth: { type: 'basic', username: 'u', password: 'p' } } };
    expect(parseAccounts({ accounts: [good, basic] })).toEqual([good, basic]);
  });

  it.each([
    { name: 'no accounts list', given: {}, message: /must be a JSON object \{"accounts": \[\.\.\.\]\}/ },
    { name: 'a bad id', given: { accounts: [{ ...good, id: 'abc' }] }, message: /^accounts\[0\]\.id must be a UUID/ },
    { name: 'a duplicate id', given: { accounts: [good, good] }, message: /accounts\[1\] \(62f44730-dd91-461e-bd6a-aedd9e0ad79d\)\.id is listed twice/ },
    { name: 'another integration', given: { accounts: [{ ...good, integration: 'intune' }] }, message: /\(62f44730-dd91-461e-bd6a-aedd9e0ad79d\)\.integration must be "jamf"/ },
    { name: 'a bad instance_url', given: withContext({ instance_url: 'example' }), message: /context\.instance_url must be an absolute URL/ },
    { name: 'credentials in the URL', given: withContext({ instance_url: 'https://u:p@example.com' }), message: /context\.instance_url must hold no query, fragment or credentials/ },
    { name: 'an unknown auth type', given: withContext({ auth: { type: 'token' } }), message: /context\.auth\.type must be "client_credentials"/ },
    { name: 'a missing client_secret', given: withContext({ auth: { type: 'client_credentials', client_id: 'c' } }), message: /context\.auth\.client_secret must be a non-empty string/ },
    { name: 'a missing password', given: withContext({ auth: { type: 'basic', username: 'u' } }), message: /context\.auth\.password must be a non-empty string/ },
    { name: 'a timeout that is not a number', given: withContext({ timeout_ms: '30s' }), message: /context\.timeout_ms must be a whole number from 100 to 600000/ },
    { name: 'a concurrency of 0', given: withContext({ max_concurrency: 0 }), message: /context\.max_concurrency must be a whole number from 1 to 100/ },
  ])('refuses $name, naming the account and field', ({ given, message }) => {
    expect(() => parseAccounts(given)).toThrow(AccountsFileError);
    expect(() => parseAccounts(given)).toThrow(message);
  });

  it('never repeats a secret in its messages', () => {
    const bad = withContext({ auth: { type: 'client_credentials', client_id: '', client_secret: 's3cr3t' } });
    expect(() => parseAccounts(bad)).toThrow(/client_id/);
    try { parseAccounts(bad); } catch (err) { expect((err as Error).message).not.toContain('s3cr3t'); }
  });
});

describe('readAccountsFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mdm-accounts-'));
  it('names the file when it is not JSON', () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, '{accounts:');
    expect(() => readAccountsFile(path)).toThrow(new RegExp(`accounts file ${path} is not valid JSON`));
  });
  it('names the file when it cannot be read', () => {
    expect(() => readAccountsFile(join(dir, 'missing.json'))).toThrow(/Cannot read the accounts file/);
  });
});
