// Renders the whole app shell around an in-memory session, for screen tests.
import React from 'react';
import {App} from '../../source/app.js';
import {ThemeProvider, makeTheme} from '../../source/ui/theme.js';
import {SessionController} from '../../source/wizard/controller.js';
import {newSession, type Session} from '../../source/session/schema.js';
import type {Ports} from '../../source/ports.js';
import {testPorts} from './step-context.js';
import '../../source/steps/index.js';

export {testPorts};

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
        ports={testPorts({world: opts.world ?? 'real'})}
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
