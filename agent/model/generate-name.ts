// metadata.generateName made a name as upstream's names.SimpleNameGenerator makes it: the prefix cut so that
// the name fits in 63 characters, then 5 random characters of apimachinery's utilrand alphabet (no vowels,
// no 0, 1 or 3, so a name never spells a word).
import { randomInt } from 'node:crypto';

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const SUFFIX = 5;
const MAX_PREFIX = 63 - SUFFIX;

export function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < SUFFIX; i++) suffix += ALPHABET[randomInt(ALPHABET.length)];
  return prefix.slice(0, MAX_PREFIX) + suffix;
}
