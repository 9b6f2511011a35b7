// Baseline: a plain Node program that runs the flood and pipes its stdout to a log file. Prints
// {ms, maxRssMb} as JSON: spawn to log file closed.
import {spawn} from 'node:child_process';
import {createWriteStream} from 'node:fs';

const [flood, log] = process.argv.slice(2);
const started = process.hrtime.bigint();
const child = spawn(process.execPath, [flood], {stdio: ['ignore', 'pipe', 'inherit']});
const file = createWriteStream(log);
child.stdout.pipe(file);
file.on('close', () => {
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(JSON.stringify({ms, maxRssMb: process.resourceUsage().maxRSS / 1024}) + '\n');
});
