// `eksa-kong demo [NAME] [--speed N] [--autoplay] [--new] [--existing-cluster]`: the whole flow against
// the simulated data center. Without a terminal (or with --non-interactive) it runs to the end with plain
// lines. --existing-cluster: a second data plane on the simulated vSphere cluster of the same data center.
import type {Command} from 'commander';
import {addGlobalOptions} from '../cli-options.js';
import type {ContextFor} from './index.js';

export function registerDemo(program: Command, context: ContextFor): void {
  addGlobalOptions(
    program
      .command('demo')
      .description('the whole flow against a simulated data center on this machine (nothing real is touched)')
      .argument('[name]', 'demo session to resume or create (default: the newest unfinished demo, else a new one)')
      .option(
        '--speed <n>',
        'time scale of the simulation: 10 plays ten times faster (default 1, or what a resumed demo used)',
      )
      .option('--autoplay', 'the demo moves on by itself and exits 0 a few seconds after Done')
      .option('--new', 'start a new demo session even when an unfinished one exists')
      .option(
        '--existing-cluster',
        "a new session: a second data plane on the simulated vSphere cluster, connected to the newest demo session's control plane",
      ),
  ).action(
    async (
      name: string | undefined,
      options: {speed?: string; autoplay?: boolean; new?: boolean; existingCluster?: boolean},
      cmd: Command,
    ) => {
      const ctx = context(cmd);
      const {parseSpeed, runDemo} = await import('./run-demo.js');
      const speed = parseSpeed(options.speed);
      ctx.setExit(
        await runDemo(ctx, {
          ...(speed === undefined ? {} : {speed}),
          autoplay: Boolean(options.autoplay),
          name,
          fresh: Boolean(options.new),
          existingCluster: Boolean(options.existingCluster),
        }),
      );
    },
  );
}
