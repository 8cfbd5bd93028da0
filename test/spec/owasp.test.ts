import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runBin } from '../helpers/run';

interface SpectralResult {
  code: string;
  message: string;
  path: string[];
  severity: number;
  source?: string;
}

/** A spec with the faults the OWASP rules exist for, to prove the ruleset is loaded and biting. */
const CARELESS_SPEC = `openapi: 3.1.0
info: { title: careless, version: '1', description: d, contact: { name: x } }
servers: [{ url: 'http://api.example.com', description: production }]
paths:
  /things:
    post:
      operationId: createThing
      description: d
      requestBody:
        content:
          application/json:
            schema: { type: object, properties: { name: { type: string } } }
      responses:
        '200': { description: ok }
`;

/**
 * The spec against the OWASP API Security Top 10 rules of Spectral (@stoplight/spectral-owasp-ruleset),
 * with the project's justified exceptions in .spectral.yaml (`npm run lint:owasp`).
 */
describe('the spec and the OWASP API security rules', () => {
  it('has no error under .spectral.yaml, while the same rules do catch a careless spec', () => {
    const dir = mkdtempSync(join(tmpdir(), 'owasp-'));
    try {
      const careless = join(dir, 'careless.yaml');
      const out = join(dir, 'results.json');
      writeFileSync(careless, CARELESS_SPEC);
      // One run for both documents: Spectral takes seconds to start.
      runBin('spectral', ['lint', 'openapi/mdm-users.yaml', careless, '--ruleset', '.spectral.yaml', '--format', 'json', '--output', out, '--fail-severity', 'error']);
      const results = JSON.parse(readFileSync(out, 'utf8')) as SpectralResult[];
      const ours = results.filter((r) => r.source === join(ROOT, 'openapi', 'mdm-users.yaml'));
      const theirs = results.filter((r) => r.source === careless);

      expect(ours.filter((r) => r.severity === 0).map((r) => `${r.code} at ${r.path.join('.')}: ${r.message}`)).toEqual([]);
      // Warnings are not failures, but each is justified in .spectral.yaml; none are left today.
      expect(ours.map((r) => r.code)).toEqual([]);
      expect(theirs.map((r) => r.code)).toEqual(expect.arrayContaining([
        'owasp:api8:2023-no-server-http',
        'owasp:api4:2023-string-limit',
        'owasp:api4:2023-rate-limit-responses-429',
        'owasp:api2:2023-write-restricted',
      ]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
