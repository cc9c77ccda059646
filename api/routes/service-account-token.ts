// serviceaccounts/<name>/token (TokenRequest, `kubectl create token`): not served. The API has one bearer
// token (SECURITY.md) and signs no ServiceAccount tokens, and handing out the admin token would make every
// "token for a ServiceAccount" a key to everything. Upstream answers 404 when the subresource is not
// installed; so does this route, with a message that says why. Not listed in discovery.
import type { FastifyInstance } from 'fastify';
import { MiniKubeletError } from '../../agent/errors';

export const NO_SERVICE_ACCOUNT_TOKENS =
  'serviceaccounts/token is not served: minikubelet has one bearer token and issues no ServiceAccount ' +
  'tokens (docs/kubectl.md)';

export function serviceAccountTokenRoutes(app: FastifyInstance): void {
  app.post('/api/v1/namespaces/:namespace/serviceaccounts/:name/token', async () => {
    throw new MiniKubeletError('NotFound', NO_SERVICE_ACCOUNT_TOKENS);
  });
}
