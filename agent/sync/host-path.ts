// hostPath volume types as Kubernetes defines them: checked (or created) on the host before the sandbox.
import { closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { MiniKubeletError } from '../errors';

type Kind = 'dir' | 'file' | 'socket' | 'char' | 'block' | 'missing';

function kindOf(path: string): Kind {
  try {
    const s = statSync(path);
    if (s.isDirectory()) return 'dir';
    if (s.isFile()) return 'file';
    if (s.isSocket()) return 'socket';
    if (s.isCharacterDevice()) return 'char';
    if (s.isBlockDevice()) return 'block';
    return 'file';
  } catch {
    return 'missing';
  }
}

const EXPECTED: Record<string, Kind> = {
  Directory: 'dir',
  File: 'file',
  Socket: 'socket',
  CharDevice: 'char',
  BlockDevice: 'block',
};

/** Makes the path ready for its type, or throws the kubelet's FailedMount text. */
export function prepareHostPath(path: string, type = ''): void {
  const kind = kindOf(path);
  if (type === '') return; // no check, as Kubernetes
  if (type === 'DirectoryOrCreate') {
    if (kind === 'missing') mkdirSync(path, { recursive: true, mode: 0o755 });
    else if (kind !== 'dir')
      throw new MiniKubeletError('RuntimeError', `hostPath type check failed: ${path} is not a directory`);
    return;
  }
  if (type === 'FileOrCreate') {
    if (kind === 'missing') closeSync(openSync(path, 'a', 0o644));
    else if (kind !== 'file')
      throw new MiniKubeletError('RuntimeError', `hostPath type check failed: ${path} is not a file`);
    return;
  }
  const want = EXPECTED[type];
  if (!want) throw new MiniKubeletError('RuntimeError', `hostPath type ${type} is not supported`);
  if (kind === 'missing')
    throw new MiniKubeletError('RuntimeError', `hostPath type check failed: ${path} does not exist`);
  if (kind !== want) {
    const names: Record<Kind, string> = {
      dir: 'a directory',
      file: 'a file',
      socket: 'a socket',
      char: 'a character device',
      block: 'a block device',
      missing: 'missing',
    };
    const name = names[want];
    throw new MiniKubeletError('RuntimeError', `hostPath type check failed: ${path} is not ${name}`);
  }
}
