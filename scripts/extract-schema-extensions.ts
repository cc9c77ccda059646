// Writes scripts/schema-extensions.json: upstream's x-kubernetes-* list, map and patch extensions of every
// definition the generated schemas hold, and the descriptions of their properties that upstream types by
// reference (generate-schemas.ts adds them, as @kubernetes/client-node's models do not carry them). Read
// from upstream's Swagger document of the same Kubernetes version, given as the first argument, the words
// naming it the second: `node dist/scripts/extract-schema-extensions.js swagger.json 'kubernetes release-1.34 api/openapi-spec/swagger.json'`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type JsonSchema, generateSchemas } from './generate-schemas';

/** The extensions taken: what kubectl's strategic merge patch and server-side apply read. */
const TAKEN = new Set([
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-patch-merge-key',
  'x-kubernetes-patch-strategy',
  'x-kubernetes-unions',
]);

export interface DefinitionExtensions {
  [extension: `x-${string}`]: unknown;
  properties?: Record<string, Record<string, unknown>>;
}
export interface SchemaExtensions {
  source: string;
  definitions: Record<string, DefinitionExtensions>;
}

const taken = (schema: JsonSchema): Record<string, unknown> =>
  Object.fromEntries(Object.entries(schema).filter(([key]) => TAKEN.has(key)));

async function extract(swaggerPath: string, source: string): Promise<SchemaExtensions> {
  const upstream = JSON.parse(readFileSync(swaggerPath, 'utf8')) as {
    info: { version: string };
    definitions: Record<string, JsonSchema & { properties?: Record<string, JsonSchema> }>;
  };
  const definitions: Record<string, DefinitionExtensions> = {};
  for (const name of Object.keys((await generateSchemas()).schemas)) {
    const definition = upstream.definitions[name];
    if (!definition) throw new Error(`${swaggerPath} has no definition ${name}`);
    const out: DefinitionExtensions = taken(definition);
    for (const [property, schema] of Object.entries(definition.properties ?? {})) {
      const extensions = taken(schema);
      // client-node's models drop the description beside a reference (generate-schemas.ts takes the others
      // from the models' comments), so it is kept here.
      if (schema['$ref'] !== undefined && schema['description'] !== undefined)
        extensions['description'] = schema['description'];
      if (Object.keys(extensions).length) (out.properties ??= {})[property] = extensions;
    }
    if (Object.keys(out).length) definitions[name] = out;
  }
  return { source, definitions };
}

if (require.main === module) {
  const [swaggerPath, source] = process.argv.slice(2);
  if (!swaggerPath || !source) throw new Error('usage: extract-schema-extensions <swagger.json> <source>');
  extract(swaggerPath, source).then(
    (doc) =>
      writeFileSync(
        join(__dirname, '..', '..', 'scripts', 'schema-extensions.json'),
        `${JSON.stringify(doc, null, 1)}\n`,
      ),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
