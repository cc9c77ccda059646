// `node dist/soak/plot-main.js SOAK_LOG OUT.svg [TITLE]`: draws the soak's memory samples (soak/plot.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { runMain } from '../tools/run-main';
import { memoryChart, parseSamples } from './plot';

void runMain('soak plot', async () => {
  const [log, out, title = 'minikubelet daemon memory over soak cycles'] = process.argv.slice(2);
  if (!log || !out) throw new Error('usage: node dist/soak/plot-main.js SOAK_LOG OUT.svg [TITLE]');
  writeFileSync(out, memoryChart(parseSamples(readFileSync(log, 'utf8')), title));
  console.log(`soak plot: wrote ${out}`);
});
