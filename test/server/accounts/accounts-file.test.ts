import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccountsFileError, parseAccounts, readAccountsFile } from '../../../src/server/accounts/accounts-file';

const good = { id: '62f44730-dd91-461e-bd6a-aedd9e0ad79d', integration: 'jamf', context: { instance_url: 'https://example.jamfcloud.com', auth: { type: 'basic', username: 'u', password: 'p' } } };
const dir = mkdtempSync(join(tmpdir(), 'mdm-accounts-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const errorOf = (read: () => unknown): AccountsFileError => {
  try {
    read();
  } catch (err) {
    if (err instanceof AccountsFileError) return err;
    throw err;
  }
  throw new Error('no AccountsFileError was thrown');
};

describe('parseAccounts', () => {
  it('answers the accounts of a valid document', () => {
    expect(parseAccounts({ accounts: [good] })).toEqual([good]);
  });

  it('throws one error listing every problem, naming MDM_ACCOUNTS_FILE and how to go on', () => {
    const err = errorOf(() => parseAccounts({ accounts: [{ ...good, id: 'x' }, { ...good, integration: 'y' }] }, '/etc/mdm/accounts.json'));
    expect(err.problems).toEqual(['accounts[0].id must be a UUID.', 'accounts[1].integration must be "jamf".']);
    expect(err.message).toBe('MDM_ACCOUNTS_FILE (/etc/mdm/accounts.json) is not usable (2 problems); fix the file and start again:\n'
      + '  - accounts[0].id must be a UUID.\n  - accounts[1].integration must be "jamf".');
  });
});

describe('readAccountsFile', () => {
  it('reads a valid file', () => {
    expect(readAccountsFile(file('good.json', JSON.stringify({ accounts: [good] })))).toEqual([good]);
  });

  it('gives the line and column of a JSON syntax error, without quoting the text', () => {
    const path = file('bad.json', '{\n  "accounts": [\n    {"id": "abc", client_secret: "hunter2-secret"}\n  ]\n}');
    const err = errorOf(() => readAccountsFile(path));
    expect(err.problems).toEqual(['the file is not valid JSON: syntax error at line 3, column 19.']);
    expect(err.message).toContain(path);
    expect(err.message).not.toMatch(/hunter2|client_secret|abc/);
  });

  it('says when the JSON ends too early', () => {
    expect(errorOf(() => readAccountsFile(file('short.json', '{"accounts": ['))).problems).toEqual(['the file is not valid JSON: it ends before the JSON does (or is empty).']);
  });

  it('names the file when it cannot be read', () => {
    const err = errorOf(() => readAccountsFile(join(dir, 'missing.json')));
    expect(err.problems).toEqual(['the file cannot be read (ENOENT); give the path of a readable JSON file.']);
    expect(err.message).toContain(join(dir, 'missing.json'));
  });
});
