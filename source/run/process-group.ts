// Children are started detached (their own process group) so that cancelling ends the whole tree:
// Go CLIs such as eksctl start helpers of their own. Detached children are not cleaned up by execa
// when we exit, so we keep a list and signal the groups ourselves.

const live = new Set<number>();
let hooked = false;

/** Sends a signal to a whole process group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    // EPERM: a member we may not signal; treat the group as alive.
    return true;
  }
}

export function groupAlive(pgid: number): boolean {
  return signalGroup(pgid, 0);
}

export function trackGroup(pgid: number): () => void {
  if (!hooked) {
    hooked = true;
    // Only synchronous work is possible in 'exit': a SIGTERM lets the tools clean up after themselves.
    process.on('exit', () => {
      for (const id of live) signalGroup(id, 'SIGTERM');
    });
  }
  live.add(pgid);
  return () => {
    live.delete(pgid);
  };
}
