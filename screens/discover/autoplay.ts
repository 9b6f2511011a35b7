// Autoplay pace: a pause a room can follow at speed 1, shorter as the demo speeds up.
export function autoplayDelay(speed: number, ms: number): number {
  return Math.max(20, Math.round(ms / Math.max(speed, 0.01)));
}
