// Waiting in tests without a fixed sleep: a tick for pending work, and polling a condition with a deadline.

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/** Lets pending input handlers, React updates and effects run. */
export async function tick(ms = 0): Promise<void> {
  await new Promise(resolve => setImmediate(resolve));
  await new Promise(resolve => setTimeout(resolve, ms));
}

/** Resolves once check() holds; rejects naming `what` after the deadline (3 s unless told). */
export async function until(check: () => boolean, what: string, options: WaitOptions = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 3000);
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await tick(options.intervalMs ?? 10);
  }
}
