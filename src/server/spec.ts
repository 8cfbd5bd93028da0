import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';

/** Where the spec lives relative to the package root. */
const SPEC_FILE = join('openapi', 'mdm-users.yaml');

/** Finds the package root (the folder holding openapi/mdm-users.yaml) from this file, built or not. */
export function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, SPEC_FILE))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Cannot find ${SPEC_FILE} above ${__dirname}; the package is incomplete.`);
    dir = parent;
  }
}

/** The absolute path of the spec. */
export function specPath(): string {
  return join(packageRoot(), SPEC_FILE);
}

let cachedText: string | undefined;

/** The spec's YAML text, read once. */
export function specText(): string {
  cachedText ??= readFileSync(specPath(), 'utf8');
  return cachedText;
}

let cachedSpec: Record<string, unknown> | undefined;

/** A fresh parsed copy of the spec (the validator mutates what it is given); the YAML is parsed once. */
export function loadSpec(): Record<string, unknown> {
  cachedSpec ??= parse(specText()) as Record<string, unknown>;
  return structuredClone(cachedSpec);
}
