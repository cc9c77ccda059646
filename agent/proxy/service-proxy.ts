// The port the endpoints controller drives: the whole table of Services each time, never a diff, so a
// restart or a lost update heals on the next call.
import type { ServiceRule } from './service-rules';

export interface ServiceProxy {
  /** Makes service traffic follow exactly these rules (Services absent here stop being proxied). */
  sync(rules: readonly ServiceRule[]): Promise<void>;
  /** Removes everything the proxy installed (tests, uninstall); sync installs it again. */
  cleanup(): Promise<void>;
}
