/**
 * What `updateUser` answers, as a type computed from the query it was given:
 * `truto_response_format` picks the shape, `truto_exclude_fields` (a literal tuple) and
 * `truto_ignore_remote_data: true` take fields out of it.
 */
import type { components, operations } from '../../generated/mdm-users';

type Schemas = components['schemas'];
type SpecQuery = operations['updateMdmUser']['parameters']['query'];

/** A field name of the unified user (`truto_exclude_fields` items). */
export type UserField = Schemas['UserField'];
/** The response formats (`truto_response_format`). */
export type ResponseFormat = NonNullable<SpecQuery['truto_response_format']>;

/**
 * The query parameters of `PATCH /unified/mdm/users/{id}`, as the spec types them, except that
 * `truto_exclude_fields` also takes a readonly tuple (`['id', 'name'] as const`).
 */
export type UpdateUserQuery = Omit<SpecQuery, 'truto_exclude_fields'> & {
  truto_exclude_fields?: readonly UserField[];
};

/** `truto_response_format=unified` (the default): absent values omitted. */
export type UnifiedUser = Schemas['User'];
/** `truto_response_format=normalized`: every field present, `null` where Jamf has no value. */
export type NormalizedUser = Schemas['NormalizedUser'];
/** `truto_response_format=raw`: Jamf's JSON of the user, `{ user: {…} }`. */
export type JamfUserEnvelope = Schemas['JamfUserEnvelope'];
/** `truto_response_format=stream`: Jamf's XML bytes as they arrive. */
export type UserXmlStream = ReadableStream<Uint8Array>;

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type Elements<X> = X extends readonly (infer E)[] ? E : never;
type IsTuple<X> = X extends readonly unknown[] ? (number extends X['length'] ? false : true) : false;
/** One function type per possible value of `X`, taking the fields that value surely names (a tuple's; none for the rest). */
type ListedBy<X> = X extends unknown ? (k: IsTuple<X> extends true ? Elements<X> : never) => void : never;
/** Fields every possible value of `X` (the type of `truto_exclude_fields`) names: inferring from the union of `ListedBy` intersects them. */
type SurelyListed<X> = [X] extends [never] ? never : ListedBy<X> extends (k: infer I) => void ? I & UserField : never;
/** Fields some possible value of `X` may name. */
type MaybeListed<X> = Elements<NonNullable<X>>;

type ExcludeList<Q> = Q extends { truto_exclude_fields?: infer X } ? X : undefined;
type IgnoreRemote<Q> = Q extends { truto_ignore_remote_data?: infer B } ? B : undefined;

/** The fields the query surely removes: those of a literal tuple, and `remote_data` for `truto_ignore_remote_data: true`. */
export type SurelyExcluded<Q> = SurelyListed<ExcludeList<Q>> | (IgnoreRemote<Q> extends true ? 'remote_data' : never);
/** The fields the query may remove (a `UserField[]` known only at run time, a `boolean` flag). */
export type MaybeExcluded<Q> = MaybeListed<ExcludeList<Q>> | (true extends IgnoreRemote<Q> ? 'remote_data' : never);

/**
 * `T` without the fields in `Sure`, and with those in `Maybe` (that are not sure) optional; `T` itself
 * when neither names a field.
 */
export type WithoutFields<T, Sure extends PropertyKey, Maybe extends PropertyKey = never> = [Sure | Maybe] extends [never]
  ? T
  : Simplify<Omit<T, Sure | Maybe> & Partial<Pick<T, Exclude<Maybe, Sure> & keyof T>>>;

/** The format a query asks for (`unified` when it names none). */
export type FormatOf<Q> = Q extends { truto_response_format?: infer F } ? (F extends undefined ? 'unified' : F) : 'unified';

/**
 * The 200 body for a response format, without the fields `Excluded` (unified and normalized only):
 * `UpdateUserData<'normalized', 'id' | 'name'>` is the normalized user without `id` and `name`.
 */
export type UpdateUserData<F extends ResponseFormat | undefined = ResponseFormat | undefined, Excluded extends UserField = never, MaybeExcludedFields extends PropertyKey = never> =
  F extends 'raw' ? JamfUserEnvelope
    : F extends 'stream' ? UserXmlStream
      : F extends 'normalized' ? WithoutFields<NormalizedUser, Excluded, MaybeExcludedFields>
        : WithoutFields<UnifiedUser, Excluded, MaybeExcludedFields>;

/** The 200 body `updateUser` resolves with for the query `Q`. */
export type UpdateUserDataFor<Q extends UpdateUserQuery = UpdateUserQuery> = UpdateUserData<FormatOf<Q>, SurelyExcluded<Q>, MaybeExcluded<Q>>;
