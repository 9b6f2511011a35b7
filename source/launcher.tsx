// The launcher of a bare `eksa-kong`: the first frame a user sees. It loads only the launcher screen,
// not the wizard's steps, so the first frame comes fast.
import React from 'react';
import {render} from 'ink';
import {ThemeProvider, makeTheme} from './ui/theme.js';
import {guardInput} from './ui/input-guard.js';
import {RedrawOnResize} from './ui/RedrawOnResize.js';
import {FitsTerminal} from './ui/FitsTerminal.js';

/** Shows the launcher and resolves with the admin's choice. */
export async function runLauncher(
  sessions: import('../screens/Launcher.js').SavedSessionRow[],
  demoAvailable: boolean,
  monochrome: boolean,
): Promise<import('../screens/Launcher.js').LauncherChoice> {
  const {Launcher} = await import('../screens/Launcher.js');
  let choice: import('../screens/Launcher.js').LauncherChoice = {kind: 'quit'};
  const unguard = guardInput(process.stdin);
  const instance = render(
    <ThemeProvider theme={makeTheme(monochrome)}>
      <RedrawOnResize>
        <FitsTerminal>
          <Launcher
            sessions={sessions}
            demoAvailable={demoAvailable}
            onChoice={c => {
              choice = c;
              instance.unmount();
            }}
          />
        </FitsTerminal>
      </RedrawOnResize>
    </ThemeProvider>,
    {exitOnCtrlC: false, patchConsole: false},
  );
  try {
    await instance.waitUntilExit();
  } finally {
    unguard();
  }
  instance.clear();
  return choice;
}
