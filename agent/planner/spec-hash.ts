// The hash stamped on a container: of the only fields whose change restarts it (name and image).
import { createHash } from 'node:crypto';
import type { Container } from '../model/pod';

export function specHash(c: Pick<Container, 'name' | 'image'>): string {
  return createHash('sha256').update(`${c.name}\0${c.image}`).digest('hex').slice(0, 8);
}
