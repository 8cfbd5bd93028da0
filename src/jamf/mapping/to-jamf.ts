import { XMLBuilder } from 'fast-xml-parser';
import { ApiError } from '../../errors';
import type { components } from '../../../generated/mdm-users';
import { READ_ONLY_ELEMENTS, userElement } from './user-elements';
import { checkElementName, elementMap, refuse, setElement, xmlText } from './xml-tree';

export { singularOf } from './xml-tree';

export type UpdateUserRequest = components['schemas']['UpdateUserRequest'];
type Email = components['schemas']['Email'];

const TEXT_SPECIALS = /[&<>'"\r]/g;
/** The builder's own five entities, plus CR as a character reference: a literal CR would reach Jamf as LF (XML 1.0 §2.11). */
const TEXT_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&apos;', '"': '&quot;', '\r': '&#13;' };
const escapeText = (_name: string, value: unknown): unknown =>
  (typeof value === 'string' ? value.replace(TEXT_SPECIALS, (c) => TEXT_ESCAPES[c] as string) : value);

const builder = new XMLBuilder({ format: false, suppressEmptyNode: true, processEntities: false, tagValueProcessor: escapeText, ignoreAttributes: true });

/**
 * Chooses the email written to Jamf: the one marked `is_primary`, else the only one.
 * `[]` clears the address (`''`); several emails with no or several primaries are ambiguous (400).
 * @returns the address to write, or `undefined` when `emails` was not sent.
 */
export function primaryEmail(emails: readonly Email[] | undefined): string | undefined {
  if (emails === undefined) return undefined;
  if (emails.length === 0) return '';
  if (emails.length === 1) return (emails[0] as Email).email;
  const primaries = emails.filter((e) => e.is_primary === true);
  if (primaries.length === 1) return (primaries[0] as Email).email;
  const fix = 'Mark exactly one email with "is_primary": true (Jamf keeps one address per user), or send only one email.';
  throw new ApiError(
    400,
    primaries.length === 0 ? `${emails.length} emails were sent and none is primary. ${fix}` : `${primaries.length} emails are marked primary. ${fix}`,
    [{ path: '/body/emails', message: 'must have exactly one email with is_primary: true', error_code: 'primary' }],
  );
}

/** The two elements in which Jamf keeps a user's one address. */
const EMAIL_ELEMENTS: readonly string[] = ['email', 'email_address'];

const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

/**
 * The address `remote_data` sets through `email` or `email_address`; either one sets both, since Jamf
 * keeps one address in the two elements. `null` clears it (`''`).
 * @returns `undefined` when `remote_data` has neither.
 * @throws ApiError 400 when one is not text, or both are sent and differ.
 */
export function remoteDataEmail(remote: Readonly<Record<string, unknown>>): string | undefined {
  const addresses: string[] = [];
  for (const element of EMAIL_ELEMENTS) {
    if (!hasOwn(remote, element)) continue;
    const value = remote[element];
    const path = `/body/remote_data/${element}`;
    if (value !== null && typeof value !== 'string') refuse(path, 'must be an email address (text), or null to clear the address.');
    addresses.push(xmlText(value ?? '', path));
  }
  const [email, emailAddress] = addresses;
  if (email !== undefined && emailAddress !== undefined && email !== emailAddress) {
    throw new ApiError(
      400,
      'remote_data.email and remote_data.email_address differ, but a Jamf user keeps one address in both. Send the same address in both, or send only one of them: it is written to both (a user copied from a read has both: change both, or remove one).',
      [
        { path: '/body/remote_data/email', message: 'differs from remote_data.email_address', error_code: 'conflict' },
        { path: '/body/remote_data/email_address', message: 'differs from remote_data.email', error_code: 'conflict' },
      ],
    );
  }
  return email;
}

/** Refuses a `remote_data.id` that is not the user of the path (Jamf takes the id from the path). */
function checkPathId(remote: Readonly<Record<string, unknown>>, userId: string | undefined): void {
  if (userId === undefined || !hasOwn(remote, 'id')) return;
  const id = remote.id;
  if ((typeof id === 'string' || typeof id === 'number') && String(id) === userId) return;
  refuse('/body/remote_data/id', `is not the user being updated (id ${userId} in the path). Jamf takes the id from the path and cannot change it: remove remote_data.id, or update the user it names.`);
}

/**
 * Maps a unified update to the Jamf `<user>` XML body of `PUT /JSSResource/users/id/{id}`, holding only
 * the elements being changed: `name`; one address in both `email` and `email_address` (from
 * `remote_data.email`/`email_address`, else the primary of `emails`); then the rest of `remote_data`,
 * merged last so that it wins on a clash, in Jamf's XML shapes, without the read-only `id`, `links` and
 * `user_groups`. With `userId`, a `remote_data.id` naming another user is refused. Every value is escaped.
 */
export function toJamfUserXml(body: UpdateUserRequest, userId?: string): string {
  const user = elementMap();
  setElement(user, 'name', xmlText(body.name, '/body/name'));
  const remote: Readonly<Record<string, unknown>> = body.remote_data ?? {};
  const primary = primaryEmail(body.emails);
  const email = remoteDataEmail(remote) ?? (primary === undefined ? undefined : xmlText(primary, '/body/emails'));
  if (email !== undefined) {
    setElement(user, 'email', email);
    setElement(user, 'email_address', email);
  }
  checkPathId(remote, userId);
  for (const key of Object.keys(remote)) {
    const path = `/body/remote_data/${key}`;
    checkElementName(key, path);
    if (READ_ONLY_ELEMENTS.has(key) || EMAIL_ELEMENTS.includes(key)) continue;
    setElement(user, key, userElement(key, remote[key], path));
  }
  return builder.build({ user }) as string;
}
