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

/**
 * Follows local `$ref`s (`#/components/...`) from `node` to the object they name in `document`.
 * @see https://spec.openapis.org/oas/v3.1.0#reference-object
 */
export function resolveRef<T = Record<string, unknown>>(document: Record<string, unknown>, node: unknown): T {
  let current = (node ?? {}) as Record<string, unknown>;
  for (let hops = 0; typeof current.$ref === 'string'; hops += 1) {
    if (hops > 20) throw new Error(`$ref loop at ${current.$ref}`);
    current = current.$ref.slice(2).split('/').reduce<Record<string, unknown>>((o, key) => o[key] as Record<string, unknown>, document);
  }
  return current as T;
}

let cachedSpec: Record<string, unknown> | undefined;

/** A fresh parsed copy of the spec (the validator mutates what it is given); the YAML is parsed once. */
export function loadSpec(): Record<string, unknown> {
  cachedSpec ??= parse(specText()) as Record<string, unknown>;
  return structuredClone(cachedSpec);
}
