// The compose suite's way to the agent: its API over HTTP from the `tests` container, with the token the
// agent asks for on a non-loopback address and its CA (NODE_EXTRA_CA_CERTS), both from its data volume.
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';

export const AGENT = process.env['AGENT_URL'] ?? 'https://10.247.0.1:10250';
const TOKEN_FILE = process.env['AGENT_TOKEN_FILE'] ?? '/var/lib/minikubelet/token';
const TOKEN = existsSync(TOKEN_FILE) ? readFileSync(TOKEN_FILE, 'utf8').trim() : '';

export function agentFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (TOKEN) headers.set('authorization', `Bearer ${TOKEN}`);
  return globalThis.fetch(`${AGENT}${path}`, { ...init, headers });
}

/** POSTs a YAML manifest and expects it created; returns the stored object. */
export async function post<T = unknown>(path: string, yaml: string): Promise<T> {
  const res = await agentFetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/yaml' },
    body: yaml,
  });
  expect(res.status, await res.clone().text()).to.equal(201);
  return (await res.json()) as T;
}

export async function getJson<T>(path: string): Promise<T | undefined> {
  const res = await agentFetch(path);
  return res.ok ? ((await res.json()) as T) : undefined;
}

export const getText = async (path: string): Promise<string> => (await agentFetch(path)).text();

/** Polls every 200 ms; `describe` says where things stood when it times out. */
export async function until(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  describe: () => Promise<string> = async () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} ${await describe()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const remove = (path: string): Promise<Response> => agentFetch(path, { method: 'DELETE' });
