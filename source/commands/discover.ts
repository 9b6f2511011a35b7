// `eksa-kong discover`: inventory bare-metal machines without a session (the Discover step's code).
// Exit 0 every source answered, 1 some BMC or source could not be read (what was read is still printed),
// 2 usage or missing input, 130 interrupted.
import type {Command} from 'commander';
import {addGlobalOptions} from '../cli-options.js';
import type {ContextFor} from './index.js';

export function registerDiscover(program: Command, context: ContextFor): void {
  addGlobalOptions(
    program
      .command('discover')
      .description('inventory machines through their BMCs (Redfish, IPMI) and PXE requests, no session needed')
      .option('--redfish <hosts>', 'BMCs to read over Redfish: HOST[:PORT],… or a CIDR range')
      .option('--ipmi <hosts>', 'BMCs to read over IPMI (ipmitool): HOST,…')
      .option('--pxe', 'listen for PXE DHCP requests (UDP, needs root for port 67)')
      .option('--seconds <n>', 'how long --pxe listens (default 60)')
      .option('--port <n>', 'the UDP port --pxe listens on (default 67)')
      .option('--username <user>', 'the BMC user name')
      .option('--password-env <var>', 'environment variable holding the BMC password')
      .option('--password-file <file>', 'file holding the BMC password')
      .option('--json', 'only {"machines", "notInstallable", "errors"} on stdout'),
  ).action(async (options: Record<string, string | boolean | undefined>, cmd: Command) => {
    const ctx = context(cmd);
    const {discoverCli} = await import('../discovery/inventory.js');
    const {createExecaRunner} = await import('../run/execa-runner.js');
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    try {
      const out = await discoverCli(
        {
          ...(typeof options.redfish === 'string' ? {redfish: options.redfish} : {}),
          ...(typeof options.ipmi === 'string' ? {ipmi: options.ipmi} : {}),
          ...(options.pxe ? {pxe: true} : {}),
          ...(typeof options.seconds === 'string' ? {seconds: options.seconds} : {}),
          ...(typeof options.port === 'string' ? {port: options.port} : {}),
          ...(typeof options.username === 'string' ? {username: options.username} : {}),
          ...(typeof options.passwordEnv === 'string' ? {passwordEnv: options.passwordEnv} : {}),
          ...(typeof options.passwordFile === 'string' ? {passwordFile: options.passwordFile} : {}),
          ...(options.json ? {json: true} : {}),
        },
        {
          home: ctx.home,
          env: ctx.io.env,
          yes: Boolean(ctx.opts.yes),
          signal: controller.signal,
          runner: secrets => createExecaRunner({sessionDir: null, baseEnv: ctx.io.env, secrets: [...secrets]}),
        },
      );
      ctx.io.stdout.write(out.stdout);
      ctx.io.stderr.write(out.stderr);
      ctx.setExit(out.exitCode);
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
  });
}
