// The interactive path: mounts Ink with the Ctrl-C contract handled by the app (exitOnCtrlC off).
import React from 'react';
import {render, type Instance} from 'ink';
import {App} from './app.js';
import {ThemeProvider, makeTheme} from './ui/theme.js';
import {guardInput} from './ui/input-guard.js';
import {RedrawOnResize} from './ui/RedrawOnResize.js';
import {FitsTerminal} from './ui/FitsTerminal.js';
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

/**
 * Hands the terminal to a program that needs it (the pager) and takes it back, without unmounting
 * the app: unmounting would lose every screen's state (the panes of the commands that ran). Ink 6
 * has no suspend (7.1's suspendTerminal needs Node 22), so this does by hand what it would do:
 * stop reading the keyboard (Ink's readable listeners off, raw mode off, the tty handle stopped so
 * node does not steal the child's keys), drop Ink's writes while the child owns the screen, then
 * restore both and make Ink draw a whole frame again. The app has a fixed height, so Ink's idea of
 * how many lines to erase stays right.
 */
export async function withTerminalHandedOver<T>(instance: Pick<Instance, 'clear'>, run: () => Promise<T>): Promise<T> {
  // Called from a key handler: let the stream finish that read first, or its read-ahead (scheduled
  // for the next tick) starts the tty reading again after we stopped it.
  await new Promise(resolve => setImmediate(resolve));
  const stdin = process.stdin;
  const stdout = process.stdout;
  const readable = stdin.listeners('readable') as Array<(...args: unknown[]) => void>;
  for (const l of readable) stdin.removeListener('readable', l);
  const wasRaw = Boolean(stdin.isTTY && stdin.isRaw);
  if (stdin.isTTY) stdin.setRawMode(false);
  // Internal but stable for years: without it node keeps reading the tty and races the child for keys.
  const handle = (stdin as unknown as {_handle?: {readStop?: () => void; readStart?: () => void}})._handle;
  handle?.readStop?.();
  const write = stdout.write;
  stdout.write = ((_chunk: unknown, encoding?: unknown, callback?: unknown) => {
    const cb = typeof encoding === 'function' ? encoding : callback;
    if (typeof cb === 'function') queueMicrotask(() => (cb as () => void)());
    return true;
  }) as typeof stdout.write;
  try {
    return await run();
  } finally {
    stdout.write = write;
    handle?.readStart?.();
    if (stdin.isTTY && wasRaw) stdin.setRawMode(true);
    for (const l of readable) stdin.on('readable', l);
    // Forget the last frame so the next render draws everything.
    instance.clear();
  }
}

/** Renders the wizard until it exits; resolves with the exit code. */
export async function runInteractive(opts: InteractiveOptions): Promise<number> {
  let code = 0;
  const openLog = async (path: string) => {
    const {openInPager} = await import('./run/pager.js');
    return withTerminalHandedOver(instance, () => openInPager(path, process.env));
  };
  // Pasted escape sequences must never reach Ink's key parser unfiltered (it throws on some).
  const unguard = guardInput(process.stdin);
  const instance: Instance = render(
    <ThemeProvider theme={makeTheme(opts.monochrome)}>
      <RedrawOnResize>
        <FitsTerminal>
          <App
            controller={opts.controller}
            ports={opts.ports}
            secret={opts.secret}
            autoplay={opts.autoplay}
            notices={opts.notices}
            openLog={openLog}
            onExit={c => {
              code = c;
              instance.unmount();
            }}
          />
        </FitsTerminal>
      </RedrawOnResize>
    </ThemeProvider>,
    {exitOnCtrlC: false, patchConsole: false, maxFps: 15},
  );
  try {
    await instance.waitUntilExit();
  } finally {
    unguard();
  }
  return code;
}
