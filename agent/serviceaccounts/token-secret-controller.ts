// The executor of planTokenSecret: watches Secrets and ServiceAccounts and writes what the plan says (a
// legacy token signed by the issuer, ca.crt, namespace, the uid annotation) or deletes the Secret.
import type { Logger } from '../log';
import type { Secret } from '../model/config-objects';
import type { ServiceAccount } from '../model/service-account';
import type { ObjectStore } from '../store/object-store';
import { SA_NAME_ANNOTATION, SA_UID_ANNOTATION, planTokenSecret } from './token-secret-plan';

export interface TokenSecretControllerDeps {
  secrets: ObjectStore<Secret>;
  serviceAccounts: ObjectStore<ServiceAccount>;
  /** Signs a legacy token (agent/auth/jwt-token-issuer.ts's issueLegacy). */
  issueLegacy(namespace: string, serviceAccount: { name: string; uid: string }, secretName: string): string;
  /** The API's CA (PEM) when it serves HTTPS. */
  ca?: string;
  logger: Logger;
}

export class TokenSecretController {
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly deps: TokenSecretControllerDeps) {}

  start(): void {
    const { secrets, serviceAccounts } = this.deps;
    this.unsubscribe.push(
      secrets.onChange(({ type, object }) => {
        if (type !== 'DELETED') this.sync(object.metadata.namespace, object.metadata.name);
      }),
      serviceAccounts.onChange(({ object }) => {
        for (const s of secrets.list(object.metadata.namespace))
          if (s.metadata.annotations?.[SA_NAME_ANNOTATION] === object.metadata.name)
            this.sync(s.metadata.namespace, s.metadata.name);
      }),
    );
    for (const s of secrets.list()) this.sync(s.metadata.namespace, s.metadata.name);
  }

  stop(): void {
    for (const fn of this.unsubscribe.splice(0)) fn();
  }

  private sync(namespace: string, name: string): void {
    const { secrets, serviceAccounts, logger } = this.deps;
    const secret = secrets.get(namespace, name);
    if (!secret) return;
    const saName = secret.metadata.annotations?.[SA_NAME_ANNOTATION] ?? '';
    const sa = saName ? serviceAccounts.get(namespace, saName) : undefined;
    const action = planTokenSecret(secret, sa, this.deps.ca);
    if (action.type === 'none') return;
    if (action.type === 'delete') {
      secrets.remove(namespace, name);
      logger.info('service account token secret deleted', { namespace, name, why: action.why });
      return;
    }
    const data = { ...(secret.data ?? {}), ...action.data };
    if (action.needsToken)
      data['token'] = Buffer.from(
        this.deps.issueLegacy(namespace, { name: saName, uid: action.uid }, name),
        'utf8',
      ).toString('base64');
    const annotations = { ...(secret.metadata.annotations ?? {}), [SA_UID_ANNOTATION]: action.uid };
    secrets.update(
      { ...secret, metadata: { ...secret.metadata, annotations }, data },
      { specChanged: false, persist: true },
    );
    logger.info('service account token secret filled', { namespace, name, serviceAccount: saName });
  }
}
