// The wizard side of the stream benchmark, bundled like the CLI: Ink with the app's render options
// (maxFps 15, exitOnCtrlC off) on a real pty, the real ExecaRunner (log file, ring buffer, redaction
// with a secret set) and the real OutputPane at the size a step screen gives it, plus a key handler
// whose change the harness times. Writes {ms, maxRssMb, keys} to the file in argv[3] when the command
// is done: ms from runner.start to done (log flushed).
import React, {useEffect, useState} from 'react';
import {Box, render, Text, useInput} from 'ink';
import {writeFileSync} from 'node:fs';
import {createExecaRunner} from '../../source/run/execa-runner.js';
import {OutputPane} from '../../source/ui/OutputPane.js';
import type {RunningCommand} from '../../source/run/types.js';

const [flood, sessionDir, resultFile] = process.argv.slice(2) as [string, string, string];
const runner = createExecaRunner({sessionDir, secrets: ['not-in-the-output-s3cret'], baseEnv: process.env});

function Bench() {
  const [command, setCommand] = useState<RunningCommand | null>(null);
  const [keys, setKeys] = useState(0);
  const columns = process.stdout.columns || 100;
  const rows = process.stdout.rows || 30;
  useInput(input => {
    if (input === 'k') setKeys(n => n + 1);
  });
  useEffect(() => {
    const started = process.hrtime.bigint();
    const c = runner.start({command: process.execPath, args: [flood], step: 'create-cluster', title: 'flood'});
    setCommand(c);
    void c.done.then(result => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      writeFileSync(
        resultFile,
        JSON.stringify({ms, ok: result.ok, lines: result.lineCount, maxRssMb: process.resourceUsage().maxRSS / 1024}),
      );
      setTimeout(() => process.exit(0), 200);
    });
  }, []);
  return (
    <Box flexDirection="column" width={columns} height={rows - 1}>
      <Text>{`stream bench · key presses seen: ${keys}${keys ? ' KEY-SEEN' : ''}`}</Text>
      <OutputPane command={command} height={rows - 6} width={columns - 26} focused={false} sessionDir={sessionDir} />
    </Box>
  );
}

render(<Bench />, {exitOnCtrlC: false, patchConsole: false, maxFps: 15});
