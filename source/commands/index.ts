// Subcommands. Each later feature adds its command here once it works, so --help never lists
// something that does not.
import type {Command} from 'commander';
import type {GlobalOptions} from '../cli-options.js';
import {registerStart} from './start.js';
import {registerSessions} from './sessions.js';
import {registerHardware} from './hardware.js';
import {registerGenerate} from './generate.js';
import {registerDemo} from './demo.js';
import {registerRunbook} from './runbook.js';
import {registerDiscover} from './discover.js';
import {registerStatus} from './status.js';
import {registerDestroy} from './destroy.js';
import {registerUpgrade} from './upgrade.js';
import {registerExport} from './export.js';

export interface CliIo {
  stdout: NodeJS.WritableStream & {isTTY?: boolean};
  stderr: NodeJS.WritableStream;
  stdin: {isTTY?: boolean};
  env: Readonly<Record<string, string | undefined>>;
}

export interface CommandContext {
  opts: GlobalOptions;
  io: CliIo;
  home: string;
  interactive: boolean;
  monochrome: boolean;
  setExit(code: number): void;
}

export type ContextFor = (cmd: Command) => CommandContext;

export function registerCommands(program: Command, context: ContextFor): void {
  registerStart(program, context);
  registerSessions(program, context);
  registerHardware(program, context);
  registerGenerate(program, context);
  registerDemo(program, context);
  registerRunbook(program, context);
  registerDiscover(program, context);
  registerStatus(program, context);
  registerUpgrade(program, context);
  registerDestroy(program, context);
  registerExport(program, context);
}
