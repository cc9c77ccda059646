// The floors of an exec round trip without any CLI start-up, for the `streams` part: the engine's own (the
// calls `docker exec` makes, from Node: exec create, start with the hijacked stream read to its end, exec
// inspect for the exit code) and the agent's (the WebSocket exec kubectl 1.30+ speaks, from Node, read to the
// connection's close). Their difference is what the agent adds to the engine.
import WebSocket from 'ws';
import { docker } from './engine';

/** ms of one `true` through the engine's API, as the docker CLI does it (less its ping and inspect). */
export async function engineExecMs(container: string): Promise<number> {
  const t0 = performance.now();
  const exec = await docker
    .getContainer(container)
    .exec({ Cmd: ['true'], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  await streamDone(stream, 'engine exec stream');
  const info = await exec.inspect();
  if (info.ExitCode !== 0) throw new Error(`engine exec: exit code ${String(info.ExitCode)}`);
  return performance.now() - t0;
}

/** How long one exec floor may take before it is a failure (a hung engine or agent must not hang the bench). */
const EXEC_TIMEOUT_MS = 30_000;

/**
 * Resolves when the stream has ended or closed (at once if it already has), rejects on its error or when it
 * has not ended within timeoutMs, naming `what`.
 */
export function streamDone(
  stream: NodeJS.ReadableStream,
  what: string,
  timeoutMs = EXEC_TIMEOUT_MS,
): Promise<void> {
  const s = stream as NodeJS.ReadableStream & {
    readableEnded?: boolean;
    destroyed?: boolean;
    closed?: boolean;
  };
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`${what}: no end within ${timeoutMs} ms`)), timeoutMs);
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      stream.off('end', done).off('close', done).off('error', failed);
      if (err) reject(err);
      else resolve();
    };
    const done = (): void => finish();
    const failed = (err: Error): void => finish(new Error(`${what}: ${err.message}`));
    stream.on('end', done).on('close', done).on('error', failed);
    if (s.readableEnded || s.destroyed || s.closed) finish();
    else stream.resume();
  });
}

/** ms of one `true` through the agent's exec over WebSocket (v5.channel.k8s.io), to the close. */
export function agentWsExecMs(
  apiUrl: string,
  pod: string,
  container: string,
  timeoutMs = EXEC_TIMEOUT_MS,
): Promise<number> {
  const url = new URL(`/api/v1/namespaces/default/pods/${pod}/exec`, apiUrl.replace(/^http/, 'ws'));
  const query: [string, string][] = [
    ['container', container],
    ['command', 'true'],
    ['stdout', 'true'],
    ['stderr', 'true'],
  ];
  for (const [k, v] of query) url.searchParams.append(k, v);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['v5.channel.k8s.io']);
    let status = '';
    let failure: Error | undefined;
    // A connection the agent never closes is a failure, not a bench that waits forever.
    const timer = setTimeout(() => {
      failure = new Error(`agent exec: no close within ${timeoutMs} ms`);
      ws.terminate();
    }, timeoutMs);
    ws.on('message', (data: Buffer) => {
      if (data[0] === 3) status += data.subarray(1).toString();
    });
    ws.on('error', (err) => (failure ??= new Error(`agent exec: ${err.message}`)));
    ws.once('close', (code: number) => {
      clearTimeout(timer);
      if (failure) reject(failure);
      else if (status === '') reject(new Error(`agent exec: closed (${code}) without a status`));
      else if (!status.includes('"Success"')) reject(new Error(`agent exec: status ${status}`));
      else resolve(performance.now() - t0);
    });
  });
}
