// The URL patterns the API serves under some method, so that a method a path does not serve is answered as
// upstream answers it (405 MethodNotAllowed) rather than as a path that does not exist (404): kubectl takes
// a 404 on `delete events --all` for "already gone" and waits for good.

export class ServedPaths {
  private readonly patterns: RegExp[] = [];

  /** A route's URL as Fastify takes it (`/api/v1/namespaces/:namespace/pods/:name`, `/web/*`). */
  add(url: string): void {
    const segments = url.split('/').map((s) => {
      if (s === '*') return '.*';
      if (s.startsWith(':')) return '[^/]+';
      return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    });
    this.patterns.push(new RegExp(`^${segments.join('/')}$`));
  }

  /** Does some route serve this path (no query)? */
  has(path: string): boolean {
    return this.patterns.some((p) => p.test(path));
  }
}
