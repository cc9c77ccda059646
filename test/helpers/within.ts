// How a promise settled within a time: for tests that a wait settles (and does not hang).

/** `resolved: <value>`, `rejected: <message>`, or `pending` when it had not settled after `ms`. */
export async function within(p: Promise<unknown>, ms: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<string>((r) => (timer = setTimeout(() => r('pending'), ms)));
  const settled = p.then(
    (v) => `resolved: ${String(v)}`,
    (e: Error) => `rejected: ${e.message}`,
  );
  try {
    return await Promise.race([settled, pending]);
  } finally {
    clearTimeout(timer);
  }
}
