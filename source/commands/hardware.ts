// `eksa-kong hardware validate FILE [--json]`: check a hardware.csv as EKS Anywhere would, and stricter.
// Exit 0 valid (warnings allowed), 1 not valid, 2 the file cannot be read.
import type {Command} from 'commander';
import {addGlobalOptions} from '../cli-options.js';
import type {ContextFor} from './index.js';

export function registerHardware(program: Command, context: ContextFor): void {
  const hardware = program.command('hardware').description('hardware.csv tools');
  addGlobalOptions(
    hardware
      .command('validate')
      .description('check a hardware.csv as EKS Anywhere reads it, and stricter')
      .argument('<file>', 'the hardware.csv to check')
      .option('--json', 'only {"valid", "machines", "errors", "warnings"} on stdout'),
  ).action(async (file: string, options: {json?: boolean}, cmd: Command) => {
    const ctx = context(cmd);
    const {hardwareValidateCli} = await import('../hardware/cli.js');
    const out = await hardwareValidateCli(file, {json: Boolean(options.json)});
    ctx.io.stdout.write(out.stdout);
    ctx.io.stderr.write(out.stderr);
    ctx.setExit(out.exitCode);
  });
}
