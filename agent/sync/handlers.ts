// Runs a probe or lifecycle handler (exec, httpGet, tcpSocket) against a container, with a timeout.
import { connect } from 'node:net';
import type { Container, Handler } from '../model/pod';
import type { ContainerRuntime } from '../runtime/runtime';
import { errorMessage } from '../errors';

export interface HandlerResult {
  ok: boolean;
  message: string;
}

export interface HandlerTarget {
  runtime: ContainerRuntime;
  containerId: string;
  container: Container;
  podIP: string;
}

function portOf(c: Container, port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return c.ports?.find((p) => p.name === port)?.containerPort;
}

async function httpGet(
  h: NonNullable<Handler['httpGet']>,
  t: HandlerTarget,
  timeoutMs: number,
): Promise<HandlerResult> {
  const port = portOf(t.container, h.port);
  if (port === undefined) return { ok: false, message: `unknown port ${String(h.port)}` };
  const scheme = (h.scheme ?? 'HTTP').toLowerCase();
  const url = `${scheme}://${h.host ?? t.podIP}:${port}${h.path ?? '/'}`;
  try {
    const res = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: Object.fromEntries((h.httpHeaders ?? []).map((x) => [x.name, x.value])),
      redirect: 'manual',
    });
    await res.body?.cancel();
    const ok = res.status >= 200 && res.status < 400;
    return { ok, message: ok ? '' : `HTTP probe failed with statuscode: ${res.status}` };
  } catch (err) {
    return { ok: false, message: `Get "${url}": ${errorMessage(err)}` };
  }
}

function tcpSocket(
  h: NonNullable<Handler['tcpSocket']>,
  t: HandlerTarget,
  timeoutMs: number,
): Promise<HandlerResult> {
  const port = portOf(t.container, h.port);
  if (port === undefined) return Promise.resolve({ ok: false, message: `unknown port ${String(h.port)}` });
  const host = h.host ?? t.podIP;
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (r: HandlerResult): void => {
      socket.destroy();
      resolve(r);
    };
    socket.once('connect', () => done({ ok: true, message: '' }));
    socket.once('timeout', () => done({ ok: false, message: `dial tcp ${host}:${port}: i/o timeout` }));
    socket.once('error', (e) => done({ ok: false, message: `dial tcp ${host}:${port}: ${e.message}` }));
  });
}

export async function runHandler(h: Handler, t: HandlerTarget, timeoutMs: number): Promise<HandlerResult> {
  if (h.exec?.command) {
    try {
      const r = await t.runtime.exec(t.containerId, h.exec.command, timeoutMs);
      return {
        ok: r.exitCode === 0,
        message:
          r.exitCode === 0
            ? ''
            : `command ${JSON.stringify(h.exec.command)} exited with ${r.exitCode}: ${r.output.trim()}`,
      };
    } catch (err) {
      return { ok: false, message: errorMessage(err) };
    }
  }
  if (h.httpGet) return httpGet(h.httpGet, t, timeoutMs);
  if (h.tcpSocket) return tcpSocket(h.tcpSocket, t, timeoutMs);
  return { ok: false, message: 'no handler' };
}
