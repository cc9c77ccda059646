// The worker thread behind api/yaml-worker-client.ts: parses one YAML body per message. A document that
// takes too long gets the thread terminated; the agent's own thread never waits on the parser.
import { parentPort } from 'node:worker_threads';
import { errorCode, errorMessage } from '../agent/errors';
import { decodeYaml } from './body';

parentPort?.on('message', (m: { id: number; text: string }) => {
  try {
    parentPort?.postMessage({ id: m.id, ok: true, value: decodeYaml(m.text) });
  } catch (err) {
    parentPort?.postMessage({ id: m.id, ok: false, code: errorCode(err), message: errorMessage(err) });
  }
});
