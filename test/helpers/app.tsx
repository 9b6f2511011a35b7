// Renders the whole app shell around an in-memory session, for screen tests.
import React from 'react';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {App} from '../../source/app.js';
import {ThemeProvider, makeTheme} from '../../source/ui/theme.js';
import {SessionController} from '../../source/wizard/controller.js';
import {newSession, type Session} from '../../source/session/schema.js';
import {realNet, systemClock, type Ports} from '../../source/ports.js';
import {createDryRunRunner} from '../../source/run/dry-run-runner.js';
import '../../source/steps/index.js';

export function testPorts(world: Ports['world'] = 'real'): Ports {
  return {
    world,
    runner: createDryRunRunner(),
    net: realNet,
    clock: systemClock,
    env: {},
    sessionDir: mkdtempSync(join(tmpdir(), 'eksa-kong-screen-')),
    speed: 1,
    assumeYes: false,
  };
}

export function appTree(opts: {session?: Session; world?: Ports['world']; monochrome?: boolean; onExit?: (code: number) => void} = {}) {
  const saved: Session[] = [];
  const controller = new SessionController(opts.session ?? newSession('lab1', opts.world ?? 'real'), s => {
    saved.push(s);
    return s;
  });
  const exits: number[] = [];
  const tree = (
    <ThemeProvider theme={makeTheme(opts.monochrome ?? true)}>
      <App
        controller={controller}
        ports={testPorts(opts.world)}
        secret={() => undefined}
        onExit={code => {
          exits.push(code);
          opts.onExit?.(code);
        }}
      />
    </ThemeProvider>
  );
  return {tree, controller, saved, exits};
}
