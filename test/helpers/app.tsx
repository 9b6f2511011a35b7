// Renders the whole app shell around an in-memory session, for screen tests.
import React from 'react';
import {App, type AppProps} from '../../source/app.js';
import {ThemeProvider, makeTheme} from '../../source/ui/theme.js';
import {SessionController} from '../../source/wizard/controller.js';
import {newSession, type Session} from '../../source/session/schema.js';
import type {Ports} from '../../source/ports.js';
import {testPorts} from './step-context.js';

export {testPorts};

export interface AppTreeOptions {
  session?: Session;
  /** The world of a new session (when `session` is not given); the ports follow the session's world. */
  world?: Ports['world'];
  monochrome?: boolean;
  /** Replaces some of testPorts() (net, speed, assumeYes...). */
  ports?: Partial<Ports>;
  /** Resolves a secret from the live session; none by default. */
  secret?: (key: string, session: Session) => string | undefined;
  autoplay?: boolean;
  openLog?: AppProps['openLog'];
  onExit?: (code: number) => void;
  /** A controller of the test's own (e.g. one whose store refuses a session). */
  controller?: SessionController;
}

/** The app shell around an in-memory session: the saves and exit codes it makes are recorded. */
export function appTree(opts: AppTreeOptions = {}) {
  const saved: Session[] = [];
  const controller =
    opts.controller ??
    new SessionController(opts.session ?? newSession('lab1', opts.world ?? 'real'), s => {
      saved.push(s);
      return s;
    });
  const session = controller.get();
  const exits: number[] = [];
  const ports = testPorts({world: session.world, ...opts.ports});
  const tree = (
    <ThemeProvider theme={makeTheme(opts.monochrome ?? true)}>
      <App
        controller={controller}
        ports={ports}
        secret={key => opts.secret?.(key, controller.get())}
        autoplay={opts.autoplay ?? false}
        openLog={opts.openLog}
        onExit={code => {
          exits.push(code);
          opts.onExit?.(code);
        }}
      />
    </ThemeProvider>
  );
  return {tree, controller, ports, saved, exits};
}
