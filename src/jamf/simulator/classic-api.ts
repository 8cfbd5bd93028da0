import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenRegistry } from './auth';
import type { CounterBoard } from './counters';
import type { FaultAction, SimulatorFaults } from './faults';
import { hasCookie, readBody, wantsJson } from './http-message';
import { garble, sendReply, statusPageReply, type Reply } from './reply';
import type { UsersResource } from './users-resource';

/** Jamf Cloud's sticky-session cookie. */
export const STICKY_COOKIE_NAME = 'jpro-ingress';
const MAX_CLASSIC_BODY_BYTES = 32 * 1024 * 1024;
const USER_BY_ID = /^\/JSSResource\/users\/id\/(\d{1,15})\/?$/;
const INVALID_TOKEN_MESSAGE = 'The request requires user authentication (INVALID_TOKEN)';

/** What the Classic API works with: the simulator's state, and the wait before each answer. */
export interface ClassicApiParts {
  board: CounterBoard;
  faults: SimulatorFaults;
  tokens: TokenRegistry;
  resource: UsersResource;
  /** The value of this simulator's sticky-session cookie. */
  nodeId: string;
  /** Waits `faults.delayMs` (cut short when the simulator closes). */
  delay(): Promise<void>;
}

function failureReply(fault: Extract<FaultAction, { kind: 'fail' }>): Reply {
  const { retryAfter, message } = fault.options;
  return statusPageReply(fault.status, message, retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) });
}

/** Classic API: `/JSSResource/…`, with faults, counters and the sticky cookie. */
export class ClassicApi {
  /** The sticky-session cookie PUTs hand out, as a `Cookie` header value: `jpro-ingress=<node id>`. */
  readonly stickyCookie: string;
  private readonly setCookie: string;

  constructor(private readonly parts: ClassicApiParts) {
    this.stickyCookie = `${STICKY_COOKIE_NAME}=${parts.nodeId}`;
    this.setCookie = `${this.stickyCookie}; Path=/`;
  }

  async handle(req: IncomingMessage, res: ServerResponse, path: string, query: string): Promise<void> {
    const { board, faults } = this.parts;
    const counters = board.values;
    const method = req.method ?? 'GET';
    board.started();
    res.once('close', () => board.finished());
    if (method === 'GET') counters.gets++;
    else if (method === 'PUT') counters.puts++;
    const stickyCookieSeen = hasCookie(req.headers.cookie, STICKY_COOKIE_NAME, this.parts.nodeId);
    if (stickyCookieSeen) counters.stickyCookieSeen++;

    await this.parts.delay();
    let body: Buffer | undefined = Buffer.alloc(0);
    if (method === 'GET' || method === 'HEAD') {
      req.resume();
    } else {
      body = await readBody(req, MAX_CLASSIC_BODY_BYTES);
      board.receivedBody({ method, path, query, body: body?.toString('utf8') ?? '', headers: { ...req.headers } });
    }

    const fault = faults.take();
    if (fault?.kind === 'hang') return; // answered never; close() destroys the connection
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    let answer = fault?.kind === 'fail' ? failureReply(fault) : this.answer(req, method, path, body, stickyCookieSeen);
    if (fault?.kind === 'garble') answer = garble(answer, wantsJson(req.headers.accept));
    if (method === 'PUT') answer.headers['Set-Cookie'] = this.setCookie;
    return sendReply(res, answer);
  }

  private answer(req: IncomingMessage, method: string, path: string, body: Buffer | undefined, stickyCookieSeen: boolean): Reply {
    const auth = this.parts.tokens.check(req.headers.authorization);
    if (auth.state !== 'valid') return statusPageReply(401, auth.state === 'invalid' ? INVALID_TOKEN_MESSAGE : undefined);
    const match = USER_BY_ID.exec(path);
    if (match === null) return statusPageReply(404);
    if (auth.token.withoutUsersPrivileges) return statusPageReply(401); // Jamf: a valid token without the privilege, answered like a bad one
    if (body === undefined) return statusPageReply(413);
    const id = Number(match[1]);
    switch (method) {
      case 'GET':
      case 'HEAD':
        return this.parts.resource.get(id, wantsJson(req.headers.accept), stickyCookieSeen);
      case 'PUT':
        return this.parts.resource.put(id, req.headers['content-type'], body);
      default:
        return statusPageReply(405);
    }
  }
}
