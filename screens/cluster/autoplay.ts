// Autoplay pacing for the cluster screens: a readable pause (~2 s at speed 1) scaled by the demo speed.
import {useEffect} from 'react';
import type {Ports} from '../../source/ports.js';

export function autoplayDelay(ports: Pick<Ports, 'speed'>, ms = 2000): number {
  return Math.max(150, ms / Math.max(1, ports.speed));
}

/** Runs action once per distinct `when` value (undefined = nothing to do) after the pause. */
export function useAutoplay(enabled: boolean, when: string | undefined, action: () => void, ports: Pick<Ports, 'speed'>, ms?: number): void {
  useEffect(() => {
    if (!enabled || when === undefined) return undefined;
    const timer = setTimeout(action, autoplayDelay(ports, ms));
    return () => clearTimeout(timer);
    // action changes every render; the pause restarts only when the situation (when) changes
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [enabled, when]);
}

/** Lines cut to the width (Ink would wrap them otherwise and the screen would grow). */
export function cut(line: string, width: number): string {
  return line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
}
