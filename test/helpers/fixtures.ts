import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A real Jamf payload from test/fixtures/jamf (copied from public sources; see its README). */
export function fixture(name: string): string {
  return readFileSync(join(__dirname, '..', 'fixtures', 'jamf', name), 'utf8');
}
