// GET /openapi/v2: the Swagger 2.0 document (api/openapi-v2.ts) as JSON, or as gnostic protobuf when the
// client asks for it (client-go's discovery does: Helm 4 reads it to validate a kind the v3 documents lack).
// Built and encoded once, on first use; an ETag lets clients revalidate as kube-apiserver's handler does.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { GroupVersion } from '../../agent/model/group-version';
import { openApiV2Document } from '../openapi-v2';
import { encodeOpenApiV2 } from '../openapi-v2-protobuf';
import type { ResourceDefinition } from '../resources';

/** The protobuf media type, in the form client-go sends (`@`) and the older dotted one. */
const PROTOBUF = /application\/com\.github\.proto-openapi\.spec\.v2[@.]v1\.0\+protobuf/;
/** What kube-apiserver answers with for either (a media type may not hold `@`). */
const PROTOBUF_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

interface Encoded {
  body: Buffer;
  etag: string;
}

const encoded = (body: Buffer): Encoded => ({
  body,
  etag: `"${createHash('sha512').update(body).digest('hex').slice(0, 64).toUpperCase()}"`,
});

export function openApiV2Routes(
  app: FastifyInstance,
  groups: readonly { gv: GroupVersion; defs: readonly ResourceDefinition[] }[],
  version: string,
): void {
  let cache: { json: Encoded; protobuf: Encoded } | undefined;
  const documents = (): { json: Encoded; protobuf: Encoded } => {
    if (!cache) {
      const doc = openApiV2Document(groups, version);
      cache = { json: encoded(Buffer.from(JSON.stringify(doc))), protobuf: encoded(encodeOpenApiV2(doc)) };
    }
    return cache;
  };
  app.get('/openapi/v2', async (req, reply) => {
    const protobuf = PROTOBUF.test(req.headers.accept ?? '');
    const { body, etag } = protobuf ? documents().protobuf : documents().json;
    void reply.header('ETag', etag).header('Vary', 'Accept');
    if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.header('Content-Type', protobuf ? PROTOBUF_TYPE : 'application/json').send(body);
  });
}
