// Runs fuzz cases through a sender (real HTTP, or fastify's inject for the unit test) and keeps the score:
// answers by status, every 5xx, every invalid manifest that was accepted (2xx), every answer of another status
// than a case expects, every error answer that is not a Status object, transport errors, timeouts.
import * as http from 'node:http';
import * as https from 'node:https';
import type { FuzzCase } from './cases';

export interface Outcome {
  /** HTTP status; 0 when the request got no answer (connection reset, timeout); -1 when never sent. */
  status: number;
  error?: string;
  /** An error answer's (4xx, 5xx) `kind` when its body is a JSON object; absent when it is not. */
  kind?: string;
}

/** The `kind` of an error answer's body (a Status, as every error must be), or undefined. */
export function errorKind(status: number, body: string): string | undefined {
  if (status < 400) return undefined;
  try {
    const v = JSON.parse(body) as unknown;
    return typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string'
      ? (v as { kind: string }).kind
      : undefined;
  } catch {
    return undefined;
  }
}

export type Send = (c: FuzzCase) => Promise<Outcome>;

export interface FuzzStats {
  cases: number;
  byStatus: Record<string, number>;
  byFamily: Record<string, number>;
  /** Cases answered 5xx (the first 20). */
  serverErrors: { case: FuzzCase; outcome: Outcome }[];
  serverErrorCount: number;
  /** Invalid manifests answered 2xx (the first 20). */
  accepted: { case: FuzzCase; outcome: Outcome }[];
  acceptedCount: number;
  /** No HTTP answer at all. */
  noAnswer: { case: FuzzCase; outcome: Outcome }[];
  noAnswerCount: number;
  /** Answers of another status than the case expects (the first 20). */
  unexpected: { case: FuzzCase; outcome: Outcome }[];
  unexpectedCount: number;
  /** Error answers (4xx but for 5xx, already counted) whose body is not a Status (the first 20). */
  nonStatus: { case: FuzzCase; outcome: Outcome }[];
  nonStatusCount: number;
  /** Stopped at the time limit before `cases` ran out. */
  timedOut: boolean;
}

const FIRST = 20;

export function emptyStats(): FuzzStats {
  return {
    cases: 0,
    byStatus: {},
    byFamily: {},
    serverErrors: [],
    serverErrorCount: 0,
    accepted: [],
    acceptedCount: 0,
    noAnswer: [],
    noAnswerCount: 0,
    unexpected: [],
    unexpectedCount: 0,
    nonStatus: [],
    nonStatusCount: 0,
    timedOut: false,
  };
}

export function record(stats: FuzzStats, c: FuzzCase, outcome: Outcome): void {
  stats.cases++;
  stats.byStatus[String(outcome.status)] = (stats.byStatus[String(outcome.status)] ?? 0) + 1;
  stats.byFamily[c.family] = (stats.byFamily[c.family] ?? 0) + 1;
  const item = { case: c, outcome };
  if (outcome.status < 0) return; // never sent: the client library refused it
  if (outcome.status >= 500) {
    stats.serverErrorCount++;
    if (stats.serverErrors.length < FIRST) stats.serverErrors.push(item);
  } else if (outcome.status === 0) {
    stats.noAnswerCount++;
    if (stats.noAnswer.length < FIRST) stats.noAnswer.push(item);
  } else if (c.expect !== undefined && outcome.status !== c.expect) {
    stats.unexpectedCount++;
    if (stats.unexpected.length < FIRST) stats.unexpected.push(item);
  } else if (c.invalid && outcome.status < 300) {
    stats.acceptedCount++;
    if (stats.accepted.length < FIRST) stats.accepted.push(item);
  } else if (outcome.status >= 400 && outcome.kind !== 'Status') {
    stats.nonStatusCount++;
    if (stats.nonStatus.length < FIRST) stats.nonStatus.push(item);
  }
}

/** Runs cases one after another until they run out or the deadline (ms since epoch) passes. */
export async function runCases(
  cases: Iterable<FuzzCase>,
  send: Send,
  deadline = Infinity,
  onEach?: (c: FuzzCase, o: Outcome, stats: FuzzStats) => void,
): Promise<FuzzStats> {
  const stats = emptyStats();
  for (const c of cases) {
    if (Date.now() > deadline) {
      stats.timedOut = true;
      break;
    }
    const outcome = await send(c);
    record(stats, c, outcome);
    onEach?.(c, outcome, stats);
  }
  return stats;
}

/** Percent-encodes what an HTTP client may not put in a request line (spaces, controls, non-ASCII). */
export const wirePath = (path: string): string =>
  path.replace(/[^\x21-\x7e]/gu, (ch) => encodeURIComponent(ch).replace(/%25/g, '%'));

/** Sends over real HTTP(S) with a keep-alive agent; a request that takes longer than timeoutMs counts as no answer. */
export function httpSender(opts: {
  host: string;
  port: number;
  https?: { ca: string };
  token?: string;
  timeoutMs?: number;
}): { send: Send; close: () => void } {
  const mod = opts.https ? https : http;
  const agent = opts.https
    ? new https.Agent({ keepAlive: true, maxSockets: 1, ca: opts.https.ca })
    : new http.Agent({ keepAlive: true, maxSockets: 1 });
  const send: Send = (c) =>
    new Promise((resolve) => {
      const body = c.body === undefined ? undefined : Buffer.isBuffer(c.body) ? c.body : Buffer.from(c.body);
      const headers: Record<string, string | number> = { ...c.headers };
      if (opts.token && !('authorization' in headers)) headers['authorization'] = `Bearer ${opts.token}`;
      if (body) headers['content-length'] = body.length;
      let done = false;
      const finish = (o: Outcome): void => {
        if (done) return;
        done = true;
        resolve(o);
      };
      let req: http.ClientRequest;
      try {
        req = mod.request(
          { host: opts.host, port: opts.port, method: c.method, path: wirePath(c.path), headers, agent },
          (res) => {
            // an error's body is kept (its first 64 KiB) to tell whether it is a Status
            const chunks: Buffer[] = [];
            let kept = 0;
            res.on('data', (b: Buffer) => {
              if ((res.statusCode ?? 0) < 400 || kept >= 65_536) return;
              chunks.push(b);
              kept += b.length;
            });
            res.on('end', () => {
              const status = res.statusCode ?? 0;
              const kind = errorKind(status, Buffer.concat(chunks).toString('utf8'));
              finish({ status, ...(kind !== undefined ? { kind } : {}) });
            });
            res.on('error', (err) => finish({ status: res.statusCode ?? 0, error: err.message }));
          },
        );
      } catch (err) {
        // The client itself refuses (e.g. a header value it cannot send): not the server's answer.
        finish({ status: -1, error: err instanceof Error ? err.message : String(err) });
        return;
      }
      req.setTimeout(opts.timeoutMs ?? 30_000, () => {
        req.destroy(new Error('timeout'));
      });
      req.on('error', (err) => finish({ status: 0, error: err.message }));
      req.end(body);
    });
  return { send, close: () => agent.destroy() };
}
