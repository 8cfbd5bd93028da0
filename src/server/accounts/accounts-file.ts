import { readFileSync } from 'node:fs';
import { checkAccounts, type AccountConfig } from './account-rules';

export type { AccountConfig } from './account-rules';

/** The accounts file is not usable: `problems` lists every problem found, each naming its path in the file. */
export class AccountsFileError extends Error {
  override readonly name = 'AccountsFileError';
  constructor(readonly file: string, readonly problems: string[]) {
    super(`MDM_ACCOUNTS_FILE (${file}) is not usable (${problems.length === 1 ? '1 problem' : `${problems.length} problems`}); fix the file and start again:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Line and column (1-based) of a character offset in `text`. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

/** Where JSON.parse stopped, without a word of the text (V8's messages may quote it). */
function syntaxError(text: string, err: unknown): string {
  const position = /at position (\d+)/.exec((err as Error).message)?.[1];
  if (position === undefined) return 'is not valid JSON: it ends before the JSON does (or is empty).';
  const { line, column } = lineAndColumn(text, Number(position));
  return `is not valid JSON: syntax error at line ${line}, column ${column}.`;
}

/**
 * Validates an accounts document (`{"accounts": [...]}`).
 * @throws AccountsFileError listing every problem (`file` names where the document came from).
 */
export function parseAccounts(document: unknown, file = '(document)'): AccountConfig[] {
  const { accounts, problems } = checkAccounts(document);
  if (problems.length > 0) throw new AccountsFileError(file, problems);
  return accounts;
}

/**
 * Reads and validates the accounts file.
 * @throws AccountsFileError when it cannot be read, is not JSON, or breaks any rule (every problem, with line/column or path; never the file's content).
 */
export function readAccountsFile(path: string): AccountConfig[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new AccountsFileError(path, [`the file cannot be read (${code}); give the path of a readable JSON file.`]);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    throw new AccountsFileError(path, [`the file ${syntaxError(text, err)}`]);
  }
  return parseAccounts(document, path);
}
