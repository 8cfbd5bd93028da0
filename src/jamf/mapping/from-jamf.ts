import type { components } from '../../../generated/mdm-users';
import { splitFullName } from './full-name';

export { splitFullName } from './full-name';

export type User = components['schemas']['User'];
export type NormalizedUser = components['schemas']['NormalizedUser'];
export type JamfUser = components['schemas']['JamfUser'];
export type UserField = components['schemas']['UserField'];
type Organization = components['schemas']['Organization'];

/** The unified user's fields in the spec's order (the order of a normalized user). */
export const USER_FIELDS: readonly UserField[] = [
  'id', 'name', 'first_name', 'last_name', 'emails', 'organization', 'is_active', 'avatar', 'created_at', 'updated_at', 'remote_data',
];

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * The items of a Jamf list as Jamf may send it: a JSON array; a single object (Jamf's JSON quirk of
 * collapsing one-item lists); or the XML form `{site: item | item[]}`; empty as `''`, `null` or `{}`.
 */
export function listItems(list: unknown, singular: string): Record<string, unknown>[] {
  if (Array.isArray(list)) return list.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null);
  if (typeof list !== 'object' || list === null) return [];
  const record = list as Record<string, unknown>;
  if (singular in record && Object.keys(record).length === 1) return listItems(record[singular], singular);
  return Object.keys(record).length === 0 ? [] : [record];
}

/** The site id of Jamf's "no site" entry `{id: -1, name: "None"}`. */
const NONE_ID = '-1';

/** The user's first site, skipping Jamf's "no site" entry `{id: -1, name: "None"}`. */
function organizationOf(user: JamfUser): Organization | undefined {
  for (const site of listItems(user.sites, 'site')) {
    const id = text(site.id);
    if (id === undefined || id === NONE_ID) continue;
    const name = text(site.name);
    return name === undefined ? { id } : { id, name };
  }
  return undefined;
}

/** `custom_photo_url`, only when `enable_custom_photo_url` is on (Jamf uses the URL only then) and it is an absolute URL. */
function avatarOf(user: JamfUser): string | undefined {
  const enabled = user.enable_custom_photo_url === true || (user.enable_custom_photo_url as unknown) === 'true';
  const url = text(user.custom_photo_url);
  return enabled && url !== undefined && URL.canParse(url) ? url : undefined;
}

/**
 * Maps a Jamf user (Classic API JSON) to the unified user: `id` as a string, `name`, the first and
 * last name from `full_name`, the one email (`email`, else `email_address`) as primary, the first
 * real site as `organization`, the enabled `custom_photo_url` as `avatar`, and the Jamf object as `remote_data`.
 * Values Jamf has no source for are omitted.
 */
export function toUnifiedUser(user: JamfUser): User {
  const unified: User = { id: text(user.id) ?? '', name: text(user.name) ?? '' };
  const { first, last } = splitFullName(user.full_name);
  if (first !== undefined) unified.first_name = first;
  if (last !== undefined) unified.last_name = last;
  const email = text(user.email) ?? text(user.email_address);
  if (email !== undefined) unified.emails = [{ email, is_primary: true }];
  const organization = organizationOf(user);
  if (organization) unified.organization = organization;
  const avatar = avatarOf(user);
  if (avatar !== undefined) unified.avatar = avatar;
  unified.remote_data = user;
  return unified;
}

/** The same mapping with every field present, in the spec's order, `null` where Jamf has no value. */
export function toNormalizedUser(user: JamfUser): NormalizedUser {
  const u = toUnifiedUser(user);
  return {
    id: u.id,
    name: u.name,
    first_name: u.first_name ?? null,
    last_name: u.last_name ?? null,
    emails: u.emails ? u.emails.map((e) => ({ email: e.email, type: e.type ?? null, is_primary: e.is_primary ?? false })) : null,
    organization: u.organization ?? null,
    is_active: u.is_active ?? null,
    avatar: u.avatar ?? null,
    created_at: u.created_at ?? null,
    updated_at: u.updated_at ?? null,
    remote_data: u.remote_data ?? null,
  };
}

/** Removes the fields named in `truto_exclude_fields`, and `remote_data` when `truto_ignore_remote_data` is set. */
export function withoutFields<T extends Partial<Record<UserField, unknown>>>(
  user: T,
  exclude: readonly UserField[] | undefined,
  ignoreRemoteData: boolean | undefined,
): Partial<T> {
  if (!ignoreRemoteData && (!exclude || exclude.length === 0)) return user;
  const drop = new Set<string>(exclude ?? []);
  if (ignoreRemoteData) drop.add('remote_data');
  const kept: Partial<T> = {};
  for (const key of Object.keys(user) as (keyof T & string)[]) {
    if (!drop.has(key)) kept[key] = user[key];
  }
  return kept;
}
