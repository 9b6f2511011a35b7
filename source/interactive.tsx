// The interactive path: mounts Ink with the Ctrl-C contract handled by the app (exitOnCtrlC off).
import React from 'react';
import {render} from 'ink';
import {App} from './app.js';
import {ThemeProvider, makeTheme} from './ui/theme.js';
import type {SessionController} from './wizard/controller.js';
import type {Ports} from './ports.js';

export interface InteractiveOptions {
  controller: SessionController;
  ports: Ports;
  secret(key: string): string | undefined;
  monochrome: boolean;
  autoplay?: boolean;
  notices?: string[];
}

/** Renders the wizard until it exits; resolves with the exit code. */
export async function runInteractive(opts: InteractiveOptions): Promise<number> {
  let code = 0;
  const instance = render(
    <ThemeProvider theme={makeTheme(opts.monochrome)}>
      <App
        controller={opts.controller}
        ports={opts.ports}
        secret={opts.secret}
        autoplay={opts.autoplay}
        notices={opts.notices}
        onExit={c => {
          code = c;
          instance.unmount();
        }}
      />
    </ThemeProvider>,
    {exitOnCtrlC: false, patchConsole: false, maxFps: 15},
  );
  await instance.waitUntilExit();
  return code;
}

/** Shows the launcher and resolves with the admin's choice. */
export async function runLauncher(
  sessions: import('../screens/Launcher.js').SavedSessionRow[],
  demoAvailable: boolean,
  monochrome: boolean,
): Promise<import('../screens/Launcher.js').LauncherChoice> {
  const {Launcher} = await import('../screens/Launcher.js');
  let choice: import('../screens/Launcher.js').LauncherChoice = {kind: 'quit'};
  const instance = render(
    <ThemeProvider theme={makeTheme(monochrome)}>
      <Launcher
        sessions={sessions}
        demoAvailable={demoAvailable}
        onChoice={c => {
          choice = c;
          instance.unmount();
        }}
      />
    </ThemeProvider>,
    {exitOnCtrlC: false, patchConsole: false},
  );
  await instance.waitUntilExit();
  instance.clear();
  return choice;
}
