import type { SimulatorFaults } from './faults';
import { isXmlContentType } from './http-message';
import { LargeBody } from './large-body';
import { JSON_CONTENT_TYPE, reply, statusPageReply, XML_CONTENT_TYPE, type Reply } from './reply';
import type { StaleReplica } from './stale-replica';
import { DuplicateNameError, type UserStore } from './store';
import type { JamfObject, JamfValue, SimulatorUser } from './types';
import { renderUserJson } from './user-json';
import { parseUserXml, renderUserIdXml, renderUserXml, UserXmlError } from './user-xml';

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const DEFAULT_LARGE_FIELD = 'position';

function isObject(value: JamfValue | undefined): value is JamfObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Elements Jamf computes: a PUT cannot change them (the id comes from the path; links and groups from other records). */
const READ_ONLY = new Set(['id', 'links', 'user_groups']);

/**
 * `current` with `patch` applied: elements present replace stored ones (lists as a whole), nested
 * elements merge, elements not sent stay, unknown elements are added at the end. The read-only `id`,
 * `links` and `user_groups` never change. Returns a new object; `current` is left as it was.
 */
export function applyPatch(current: SimulatorUser, patch: JamfObject): SimulatorUser {
  const merge = (target: JamfObject, changes: JamfObject, root: boolean): JamfObject => {
    const out: JamfObject = { ...target };
    for (const key of Object.keys(changes)) {
      if (root && READ_ONLY.has(key)) continue;
      const change = changes[key] as JamfValue;
      const existing = out[key];
      out[key] = isObject(change) && isObject(existing) ? merge(existing, change, false) : change;
    }
    return out;
  };
  return merge(current, patch, true) as SimulatorUser;
}

/** `GET` and `PUT /JSSResource/users/id/{id}`, past authentication and fault injection. */
export class UsersResource {
  constructor(
    private readonly store: UserStore,
    private readonly faults: SimulatorFaults,
    private readonly replica: StaleReplica,
  ) {}

  get(id: number, json: boolean, stickyCookieSeen: boolean): Reply {
    const lagging = this.faults.staleReadsWithoutCookie && !stickyCookieSeen ? this.replica.lagging(id) : undefined;
    const user = lagging ?? this.store.peek(id);
    if (user === undefined) return statusPageReply(404);
    const contentType = json ? JSON_CONTENT_TYPE : XML_CONTENT_TYPE;
    const large = this.faults.largeField;
    if (large !== undefined && large.userId === id) {
      const field = large.field ?? DEFAULT_LARGE_FIELD;
      const body = LargeBody.around(large.bytes, (marker) => this.render({ ...user, [field]: marker }, json));
      return { status: 200, headers: { 'Content-Type': contentType }, body };
    }
    if (lagging !== undefined || (json && this.faults.collapseSingleItemLists)) {
      return reply(200, contentType, this.render(user, json));
    }
    return reply(200, contentType, this.store.body(id, json ? 'json' : 'xml') as Buffer);
  }

  put(id: number, contentType: string | undefined, body: Buffer): Reply {
    if (!isXmlContentType(contentType)) return statusPageReply(415);
    const current = this.store.peek(id);
    if (current === undefined) return statusPageReply(404);
    let text: string;
    try {
      text = UTF8.decode(body);
    } catch {
      return statusPageReply(400, 'Error: The request body is not valid UTF-8');
    }
    let patch: JamfObject;
    try {
      patch = parseUserXml(text, this.store.lists);
    } catch (error) {
      if (error instanceof UserXmlError) return statusPageReply(400, `Error: ${error.message}`);
      throw error;
    }
    const next = applyPatch(current, patch);
    if (typeof next.name !== 'string') return statusPageReply(400, 'Error: <name> must hold text');
    try {
      this.store.replace(next);
    } catch (error) {
      if (error instanceof DuplicateNameError) return statusPageReply(409, 'Error: Duplicate name');
      throw error;
    }
    if (this.faults.staleReadsWithoutCookie) this.replica.rememberBeforeWrite(current);
    return reply(201, XML_CONTENT_TYPE, renderUserIdXml(id));
  }

  private render(user: JamfObject, json: boolean): string {
    return json
      ? renderUserJson(user, { collapseSingleItemLists: this.faults.collapseSingleItemLists })
      : renderUserXml(user, this.store.lists);
  }
}
