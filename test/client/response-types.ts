/**
 * Type-level tests of what `updateUser` answers, checked by `tsc --noEmit -p .` (part of `npm test`):
 * each `@ts-expect-error` line must fail to compile, or tsc reports the directive as unused, and each
 * `same<A, B>(true)` fails unless A and B are the same type.
 */
import {
  createMdmUsersClient,
  type JamfUserEnvelope,
  type NormalizedUser,
  type UnifiedUser,
  type UpdateUserData,
  type UpdateUserQuery,
  type UserField,
} from '../../src/client';

const client = createMdmUsersClient({ baseUrl: 'http://127.0.0.1:1', token: 't' });
const account = { integrated_account_id: '62f44730-dd91-461e-bd6a-aedd9e0ad79d' };
const body = { name: 'jdoe2' };
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const same = <A, B>(_proof: Equal<A, B>): void => undefined;

export async function formatPicksTheType(): Promise<void> {
  const unified = await client.updateUser({ id: '1', query: account, body });
  same<typeof unified.data, UnifiedUser>(true);
  same<typeof unified.data.id, string>(true); // present without exclusions
  same<typeof unified.data.first_name, string | undefined>(true); // omitted when Jamf has no value

  const explicit = await client.updateUser({ id: '1', query: { ...account, truto_response_format: 'unified' }, body });
  same<typeof explicit.data, UnifiedUser>(true);

  const normalized = await client.updateUser({ id: '1', query: { ...account, truto_response_format: 'normalized' }, body });
  same<typeof normalized.data, NormalizedUser>(true);
  same<typeof normalized.data.first_name, string | null>(true); // always present, null when empty
  same<typeof normalized.data.remote_data, NonNullable<UnifiedUser['remote_data']> | null>(true);

  const raw = await client.updateUser({ id: '1', query: { ...account, truto_response_format: 'raw' }, body });
  same<typeof raw.data, JamfUserEnvelope>(true);
  const fullName: string | undefined = raw.data.user.full_name;
  // @ts-expect-error raw is Jamf's envelope, not the unified user
  void raw.data.first_name;

  const stream = await client.updateUser({ id: '1', query: { ...account, truto_response_format: 'stream' }, body });
  same<typeof stream.data, ReadableStream<Uint8Array>>(true);
  // @ts-expect-error stream is not read into a string
  void stream.data.length;
  void fullName;
}

export async function excludedFieldsDisappear(): Promise<void> {
  const inline = await client.updateUser({ id: '1', query: { ...account, truto_exclude_fields: ['id', 'name'] }, body });
  // @ts-expect-error `id` was excluded by a literal list
  void inline.data.id;
  // @ts-expect-error `name` was excluded by a literal list
  void inline.data.name;
  same<typeof inline.data.last_name, string | undefined>(true);

  const fields = ['id', 'name'] as const;
  const asConst = await client.updateUser({ id: '1', query: { ...account, truto_response_format: 'normalized', truto_exclude_fields: fields }, body });
  same<typeof asConst.data, Omit<NormalizedUser, 'id' | 'name'>>(true);
  // @ts-expect-error `id` was excluded by an `as const` tuple
  void asConst.data.id;
  same<typeof asConst.data.first_name, string | null>(true); // the rest of normalized stays required

  const noRemote = await client.updateUser({ id: '1', query: { ...account, truto_ignore_remote_data: true }, body });
  // @ts-expect-error truto_ignore_remote_data: true drops remote_data
  void noRemote.data.remote_data;

  // A list known only at run time: any field may be missing.
  const runtime: UserField[] = JSON.parse('["id"]') as UserField[];
  const unknownList = await client.updateUser({ id: '1', query: { ...account, truto_exclude_fields: runtime }, body });
  same<typeof unknownList.data.id, string | undefined>(true);
  same<typeof unknownList.data.name, string | undefined>(true);

  // Exclusions do not apply to raw.
  const raw = await client.updateUser({ id: '1', query: { ...account, truto_response_format: 'raw', truto_exclude_fields: ['id'] }, body });
  same<typeof raw.data, JamfUserEnvelope>(true);
}

/** A helper of the caller's, generic over the fields with a const type parameter. */
async function updateWithout<const F extends readonly UserField[]>(fields: F) {
  return client.updateUser({ id: '1', query: { ...account, truto_exclude_fields: fields }, body });
}

export async function constTypeParameters(): Promise<void> {
  const { data } = await updateWithout(['avatar', 'id']);
  // @ts-expect-error excluded through the caller's const type parameter
  void data.id;
  same<typeof data.name, string>(true);
  same<UpdateUserData<'normalized', 'id'>, Omit<NormalizedUser, 'id'>>(true);
}

export async function aQueryOfUnknownShapeGivesEveryPossibility(query: UpdateUserQuery): Promise<void> {
  const { data } = await client.updateUser({ id: '1', query, body });
  // @ts-expect-error could be a stream or Jamf's envelope: narrow first
  void data.name;
  if (data instanceof ReadableStream || 'user' in data) return;
  same<typeof data.id, string | undefined>(true);
}
