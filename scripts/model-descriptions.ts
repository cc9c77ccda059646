// Upstream's descriptions of a @kubernetes/client-node model, read from the JSDoc comments its generator
// writes into dist/gen/models/<Model>.d.ts (one above the class, one above each property): the runtime
// models carry names and types only. The generator escapes quotes (`\"`, `\'`), backslashes (`\\`) and
// `*/` (as `*_/`, which would end the comment); those are undone so the text reads as upstream's document
// has it, but for its line breaks and tabs, which the generator turned into spaces. A property upstream
// types by reference (`affinity: V1Affinity`) has no comment, as the generator drops a description beside
// a `$ref`: those come from scripts/schema-extensions.json.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface ModelDescriptions {
  /** The class comment: the definition's description. */
  description?: string;
  /** Property (TypeScript name, as getAttributeTypeMap's `name`) -> its description. */
  properties: Record<string, string>;
}

const MODELS_DIR = join(dirname(require.resolve('@kubernetes/client-node')), 'gen', 'models');

/** A comment block (`/**` ... `*\/`) directly followed by the class or a property it documents. */
const DOCUMENTED =
  /\/\*\*\n((?:[ \t]*\*(?!\/).*\n)*?)[ \t]*\*\/\n[ \t]*(?:export declare class (\w+)|'([^']+)'\??:)/g;

const unescape = (text: string): string => text.replace(/\\(["'\\])/g, '$1').replaceAll('*_/', '*/');

/** The comment's text: each line without its leading `*`, joined by newlines (the generator writes one). */
const commentText = (body: string): string =>
  unescape(
    body
      .split('\n')
      .map((line) => line.replace(/^[ \t]*\* ?/, ''))
      .filter((line) => line !== '')
      .join('\n'),
  );

export function modelDescriptions(model: string): ModelDescriptions {
  const source = readFileSync(join(MODELS_DIR, `${model}.d.ts`), 'utf8');
  const out: ModelDescriptions = { properties: {} };
  for (const [, body = '', className, property] of source.matchAll(DOCUMENTED)) {
    if (className === model) out.description = commentText(body);
    else if (property !== undefined) out.properties[property] = commentText(body);
  }
  return out;
}
