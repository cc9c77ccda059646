// The import directions of eslint.config.mjs, held to their word: offending sources, linted in memory with
// the project's own config, must fail, and the allowed ones must pass, so the rule cannot silently stop
// working (a renamed folder, a glob that no longer matches, a later config block that replaces it).
import { join } from 'node:path';
import { expect } from 'chai';
import { ESLint } from 'eslint';

const ROOT = join(__dirname, '..', '..', '..', '..');

describe('eslint.config.mjs import directions', function () {
  this.timeout(30_000);
  // Only this rule, and no type information (the type-aware rules are `npm run lint`'s job): fast.
  const eslint = new ESLint({
    cwd: ROOT,
    overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
    ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
  });
  const problems = async (filePath: string, code: string): Promise<string[]> => {
    const [result] = await eslint.lintText(code, { filePath: join(ROOT, filePath) });
    return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
  };

  const refused: [string, string, RegExp][] = [
    ['agent/sync/x.ts', "import { buildServer } from '../../api/server';", /agent\/ is the kernel/],
    ['agent/x.ts', "import type { DnsCatalog } from '../dns/catalog';", /agent\/ is the kernel/],
    [
      'agent/services/x.ts',
      "export { createAgent } from '../../daemon/create-agent';",
      /agent\/ is the kernel/,
    ],
    [
      'agent/runtime/docker-x.ts',
      "import { loadConfig } from '../../daemon/config';",
      /agent\/ is the kernel/,
    ],
    ['api/routes/x.ts', "import type { PodLogs } from '../../agent/sync/pod-logs';", /not on the sync loop/],
    ['api/x.ts', "import { PodManager } from '../agent/sync';", /not on the sync loop/],
    ['dns/x.ts', "import { buildServer } from '../api/server';", /dns\/ imports no api\/ or daemon\//],
    ['dns/x.ts', "import { loadConfig } from '../daemon/config';", /dns\/ imports no api\/ or daemon\//],
    ['fuzz/x.ts', "import { Harness } from '../test/helpers/harness';", /do not import tests/],
    ['agent/sync/x.ts', "import Docker from 'dockerode';", /Only agent\/runtime\/docker-runtime.ts/],
  ];
  for (const [file, code, why] of refused) {
    it(`refuses in ${file}: ${code}`, async () => {
      const found = await problems(file, code);
      expect(found).to.have.length(1);
      expect(found[0])
        .to.match(/^no-restricted-imports: /)
        .and.match(why);
    });
  }

  const allowed: [string, string][] = [
    ['agent/sync/x.ts', "import { PodView } from '../planner/pod-view';"],
    ['api/routes/x.ts', "import type { PodLogs } from '../../agent/ports/pod-logs';"],
    ['dns/x.ts', "import type { Clock } from '../agent/clock';"],
    [
      'daemon/x.ts',
      "import { buildServer } from '../api/server';\nimport { Prober } from '../agent/sync/prober';",
    ],
    ['agent/runtime/docker-x.ts', "import Docker from 'dockerode';"],
    ['test/unit/x.ts', "import { Harness } from '../helpers/harness';"],
  ];
  for (const [file, code] of allowed) {
    it(`allows in ${file}: ${code.split('\n')[0]}`, async () => {
      expect(await problems(file, code)).to.deep.equal([]);
    });
  }
});
