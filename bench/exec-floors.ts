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
  await new Promise<void>((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.resume();
  });
  const info = await exec.inspect();
  if (info.ExitCode !== 0) throw new Error(`engine exec: exit code ${String(info.ExitCode)}`);
  return performance.now() - t0;
}

/** ms of one `true` through the agent's exec over WebSocket (v5.channel.k8s.io), to the close. */
export function agentWsExecMs(apiUrl: string, pod: string, container: string): Promise<number> {
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
    ws.on('message', (data: Buffer) => {
      if (data[0] === 3) status += data.subarray(1).toString();
    });
    ws.on('error', reject);
    ws.once('close', () => {
      if (!status.includes('"Success"')) reject(new Error(`agent exec: status ${status}`));
      else resolve(performance.now() - t0);
    });
  });
}
