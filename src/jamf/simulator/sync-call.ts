/**
 * Synchronous calls into a worker thread that runs its own event loop: the caller posts the call, sleeps
 * on a shared word (`Atomics.wait`) until the worker has posted the answer, then takes the answer off its
 * port (`receiveMessageOnPort`). The worker answers between its other tasks and never waits on the caller,
 * so a call costs one round trip between threads and cannot deadlock. (synckit works the same way, but
 * owns its worker: one per function, started on the first call, never stopped; this worker is a server.)
 */
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

/** The operations a worker answers: plain functions of structured-cloneable arguments and results. */
export type Handlers = Record<string, (...args: never[]) => unknown>;

/** An error as it crosses threads: its class name, message and own fields (rebuilt by the caller's `revive`). */
export interface ErrorShape {
  name: string;
  message: string;
  fields: Record<string, unknown>;
}

type Answer = { ok: true; value: unknown } | { ok: false; error: ErrorShape };

/** What the worker gets (in `workerData`) to answer calls: its end of the channel and the shared word. */
export interface CalleeEnd {
  port: MessagePort;
  word: Int32Array;
}

const IDLE = 0;
const ANSWERED = 1;

/** Longest wait for an answer; the worker answers in microseconds unless it is wedged or gone. */
const CALL_TIMEOUT_MS = 10_000;

/** The caller's side of a call line. */
export class SyncCaller<H extends Handlers> {
  private broken: string | undefined;

  private constructor(private readonly port: MessagePort, private readonly word: Int32Array, private readonly revive: (shape: ErrorShape) => Error) {}

  /** A new call line: the caller (kept in this thread) and the callee's end, to hand to the worker (transfer `calleeEnd.port`). */
  static open<H extends Handlers>(revive: (shape: ErrorShape) => Error): { caller: SyncCaller<H>; calleeEnd: CalleeEnd } {
    const { port1, port2 } = new MessageChannel();
    port1.unref();
    const word = new Int32Array(new SharedArrayBuffer(4));
    return { caller: new SyncCaller<H>(port1, word, revive), calleeEnd: { port: port2, word } };
  }

  /** Runs `op` in the worker and answers its result, or throws the error it threw. */
  call<K extends keyof H & string>(op: K, ...args: Parameters<H[K]>): ReturnType<H[K]> {
    if (this.broken !== undefined) throw new Error(this.broken);
    Atomics.store(this.word, 0, IDLE);
    this.port.postMessage({ op, args });
    if (Atomics.wait(this.word, 0, IDLE, CALL_TIMEOUT_MS) === 'timed-out') {
      this.stop(`the simulator thread did not answer within ${CALL_TIMEOUT_MS} ms`);
      throw new Error(`${this.broken} (${op})`);
    }
    const answer = receiveMessageOnPort(this.port)?.message as Answer | undefined;
    if (answer === undefined) throw new Error(`the simulator thread answered '${op}' with nothing`);
    if (!answer.ok) throw this.revive(answer.error);
    return answer.value as ReturnType<H[K]>;
  }

  /** Refuses further calls with `reason` (the worker stopped). */
  stop(reason: string): void {
    this.broken ??= reason;
    this.port.close();
  }
}

function errorShape(err: unknown): ErrorShape {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(err)) if (key !== 'name' && key !== 'message') fields[key] = value;
  return { name: err.name, message: err.message, fields };
}

/** The worker's side: answers each call on `end` with `handlers`, one at a time, in order. */
export function answerCalls(end: CalleeEnd, handlers: Handlers): void {
  end.port.on('message', ({ op, args }: { op: string; args: never[] }) => {
    let answer: Answer;
    try {
      const handler = handlers[op];
      if (handler === undefined) throw new Error(`no operation '${op}'`);
      answer = { ok: true, value: handler(...args) };
    } catch (err) {
      answer = { ok: false, error: errorShape(err) };
    }
    try {
      end.port.postMessage(answer);
    } catch (err) {
      end.port.postMessage({ ok: false, error: errorShape(err) } satisfies Answer); // a result that cannot cross threads
    }
    Atomics.store(end.word, 0, ANSWERED);
    Atomics.notify(end.word, 0);
  });
}

/**
 * How to start the worker whose entry is `name` in `dir`, built as the module `caller` (a `__filename`) is.
 * From the compiled build: the entry's .js file. From the TypeScript sources (the tests run them): a bootstrap
 * that compiles them on load with @swc/core, as the tests' own transform does.
 */
export function workerSource(dir: string, name: string, caller: string): { source: string; eval: boolean } {
  const entry = join(dir, `${name}${caller.slice(caller.lastIndexOf('.'))}`);
  if (!entry.endsWith('.ts')) return { source: entry, eval: false };
  const swc = require.resolve('@swc/core');
  const source = `const { readFileSync } = require('node:fs');
const { transformSync } = require(${JSON.stringify(swc)});
require.extensions['.ts'] = (module, filename) => module._compile(transformSync(readFileSync(filename, 'utf8'),
  { filename, module: { type: 'commonjs' }, jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }).code, filename);
require(${JSON.stringify(entry)});`;
  return { source, eval: true };
}
