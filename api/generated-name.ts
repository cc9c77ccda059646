// A create whose body asks the server for a name (metadata.generateName), as upstream's Store.Create does it:
// a generated name that is taken is tried again with another, 8 names in all (one in a million is taken
// by then with 0.1% odds); an AlreadyExists of a body with a generateName then says that the server could
// not find a unique name (rest.CheckGeneratedNameError), also when the body named its object itself.
import { MiniKubeletError, errorCode, generateNameConflict } from '../agent/errors';
import { isObject } from '../agent/model/shape';

const MAX_ATTEMPTS = 8;

export function createWithGeneratedName<T>(body: unknown, create: () => T): T {
  const meta = isObject(body) && isObject(body.metadata) ? body.metadata : {};
  const generates = typeof meta.generateName === 'string' && meta.generateName !== '';
  const retries = generates && !meta.name;
  for (let attempt = 1; ; attempt++) {
    try {
      return create();
    } catch (err) {
      if (!generates || errorCode(err) !== 'AlreadyExists' || !(err instanceof MiniKubeletError)) throw err;
      if (retries && attempt < MAX_ATTEMPTS) continue;
      const d = err.details;
      throw generateNameConflict(d.kind ?? '', d.name ?? '', d.group);
    }
  }
}
