// Small text formats shared by the runner, the summary and the pane header.

/** "36 ms", "1.2 s", "30 s", "41m 12s", "2h 05m". */
export function formatDuration(ms: number): string {
  const safe = Math.max(0, Number.isFinite(ms) ? ms : 0);
  if (safe < 1000) return `${Math.round(safe)} ms`;
  if (safe < 10_000) {
    const s = Math.round(safe / 100) / 10;
    return `${Number.isInteger(s) ? s.toFixed(0) : s.toFixed(1)} s`;
  }
  const totalSeconds = Math.floor(safe / 1000);
  if (totalSeconds < 60) return `${totalSeconds} s`;
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  return `${m}m ${String(s).padStart(2, '0')}s`;
}

/** "1,284". */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Cuts text to at most max characters, ending with "…" when cut. */
export function ellipsize(text: string, max: number): string {
  if (max <= 0) return '';
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1)}…`;
}
