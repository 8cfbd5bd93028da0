/**
 * Fuzzing from the spec: ≥ 1,000 random VALID updates over HTTP against the real server (startStack)
 * and the Jamf simulator. After each, what the simulator stores must be exactly what a model of the
 * mapping predicts from what was sent: name, email, every remote_data element, with XML markup,
 * entities, CR/LF and all of Unicode in the text — nothing lost, mangled or injected. The PUT's query
 * string must be remote_query passed on untransformed, and the answer (unified, normalized or raw)
 * must carry the stored user.
 *
 * Each of LANES users is updated by one lane at a time (so the model knows its state); lanes run in
 * parallel. Seeded (FUZZ_SEED) and bounded (FUZZ_VALID_RUNS batches; FUZZ_TIME_LIMIT_MS).
 */
import fc from 'fast-check';
import { ACCOUNT_ID, API_TOKEN, startStack, type Stack } from '../helpers/stack';
import { FuzzClient, mapConcurrently, pollutionSeen, prototypeFingerprint } from './support';
import { emails, merge, remoteData, remoteQuery, stored, xmlText, type Email, type Json, type JsonObject } from './valid-updates';

const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
/** Two seeded Jamf users (with Jamf-managed links, sites, extension attributes) and new ones. */
const LANES = [23423523, 1, 6, 910001, 910002, 910003] as const;
const RUNS = Number(process.env.FUZZ_VALID_RUNS ?? 170); // 170 × 6 = 1,020 updates
const TIME_LIMIT_MS = Number(process.env.FUZZ_TIME_LIMIT_MS ?? 90_000);

interface Update {
  name: string;
  emails?: Email[];
  remote_data?: JsonObject;
  query: Array<[string[], string]>;
  format: 'unified' | 'normalized' | 'raw';
}

const update: fc.Arbitrary<Update> = fc.record({
  name: xmlText(6),
  emails,
  remote_data: fc.option(remoteData, { nil: undefined }),
  query: remoteQuery,
  format: fc.constantFrom('unified', 'normalized', 'raw'),
}).map((u) => {
  const out: Update = { name: u.name, query: u.query as Array<[string[], string]>, format: u.format };
  if (u.emails !== undefined) out.emails = u.emails;
  if (u.remote_data !== undefined) out.remote_data = u.remote_data;
  return out;
});

/**
 * Deep equality of JSON values, blind to key order and to prototypes (the simulator's copies come from
 * structuredClone in Node's realm, fast-check's records have null prototypes).
 */
function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (typeof v === 'object' && v !== null) return Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]);
    return v;
  };
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** The primary email the mapping writes: the `is_primary` one, else the only one; `[]` clears. */
function primary(list: Email[]): string {
  if (list.length === 1) return (list[0] as Email).email;
  return list.find((e) => e.is_primary === true)?.email ?? '';
}

describe('fuzz: valid updates', () => {
  let stack: Stack;
  let client: FuzzClient;
  const model = new Map<number, JsonObject>();

  beforeAll(async () => {
    stack = await startStack();
    client = new FuzzClient(stack.url, LANES.length);
    for (const id of LANES) {
      if (!stack.simulator.users.get(id)) stack.simulator.users.set({ id, name: `fuzz-user-${id}` });
      model.set(id, stack.simulator.users.get(id) as unknown as JsonObject);
    }
  });

  afterAll(async () => {
    await client.close();
    await stack.close();
  });

  it('stores exactly what ≥ 1,000 valid updates sent, through XML, with hostile text', async () => {
    const prototypesBefore = prototypeFingerprint();
    let sent = 0;
    const started = Date.now();

    await fc.assert(
      fc.asyncProperty(fc.array(update, { minLength: LANES.length, maxLength: LANES.length }), async (batch) => {
        const problems = await mapConcurrently(LANES, LANES.length, async (id, lane) => {
          const u = batch[lane] as Update;
          // Names are unique per lane (Jamf refuses a duplicate name with 409), within maxLength 255.
          const name = `${Array.from(u.name).slice(0, 200).join('')} #${lane}`;
          const body: Record<string, unknown> = { name };
          if (u.emails !== undefined) body.emails = u.emails;
          if (u.remote_data !== undefined) body.remote_data = u.remote_data;
          const rq = u.query.map(([path, value]) => [`remote_query[${path.join('][')}]`, path, value] as const);
          const target = `/unified/mdm/users/${id}?integrated_account_id=${ACCOUNT_ID}&truto_response_format=${u.format}`
            + rq.map(([key, , value]) => `&${key}=${encodeURIComponent(value)}`).join('');
          const res = await client.send({ method: 'PATCH', target, headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
          sent++;
          const where = `user ${id}, body ${JSON.stringify(body)}, query ${target}`;
          if (res.status !== 200) return `status ${res.status} ${res.text.slice(0, 500)}\n  for ${where}`;

          // The model: mapped fields, then remote_data (which wins), merged into what Jamf held.
          const patch: JsonObject = { name };
          if (u.emails !== undefined) {
            patch.email = primary(u.emails);
            patch.email_address = patch.email;
          }
          for (const [key, value] of Object.entries(u.remote_data ?? {})) patch[key] = stored(key, value as Json);
          // Jamf keeps one address: remote_data.email is written to email_address too.
          if (u.remote_data?.email !== undefined) patch.email_address = patch.email as Json;
          const expected = merge(model.get(id) as JsonObject, patch);
          const actual = stack.simulator.users.get(id) as unknown as JsonObject;
          model.set(id, actual);
          if (!sameJson(actual, expected)) {
            return `Jamf holds\n  ${JSON.stringify(actual)}\nbut the update should have made it\n  ${JSON.stringify(expected)}\n  for ${where}`;
          }

          // remote_query reaches Jamf's PUT untransformed (contract §4).
          const put = [...stack.simulator.received].reverse().find((r) => r.method === 'PUT' && r.path === `/JSSResource/users/id/${id}`);
          const query = rq.map(([, path, value]) => `${path[0]}${path.slice(1).map((p) => `[${p}]`).join('')}=${encodeURIComponent(value)}`).join('&');
          if (put?.query !== query) return `Jamf's PUT had query '${put?.query}', not '${query}'\n  for ${where}`;

          // The answer carries the user as stored.
          const answer = JSON.parse(res.text) as Record<string, unknown>;
          const jamfUser = u.format === 'raw' ? (answer.user as JsonObject) : (answer.remote_data as JsonObject);
          if (!sameJson(jamfUser, actual)) return `the ${u.format} answer carries ${JSON.stringify(jamfUser)}, not the stored user\n  for ${where}`;
          if (u.format !== 'raw' && (answer.id !== String(id) || answer.name !== name)) return `the ${u.format} answer has id ${String(answer.id)} and name ${JSON.stringify(answer.name)}`;
          return undefined;
        });
        const failed = problems.filter((p) => p !== undefined);
        if (failed.length > 0) throw new Error(failed.join('\n\n'));
        const polluted = pollutionSeen();
        if (polluted) throw new Error(`prototype polluted: ${polluted}`);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: true },
    );

    console.log(`fuzz valid: ${sent} updates in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${SEED}), Jamf PUTs ${stack.simulator.counters.puts}`);
    expect(sent).toBeGreaterThanOrEqual(1000);
    expect(prototypeFingerprint()).toBe(prototypesBefore);
  }, TIME_LIMIT_MS + 30_000);
});
