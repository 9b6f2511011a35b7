// Autoplay pacing for the cluster screens: a readable pause (~2 s at speed 1) scaled by the demo speed.
import {useEffect} from 'react';
import type {Ports} from '../../source/ports.js';

export function autoplayDelay(ports: Pick<Ports, 'speed'>, ms = 2000): number {
  return Math.max(150, ms / Math.max(1, ports.speed));
}

/** Runs action once per distinct `when` value (undefined = nothing to do) after the pause. */
export function useAutoplay(
  enabled: boolean,
  when: string | undefined,
  action: () => void,
  ports: Pick<Ports, 'speed'>,
  ms?: number,
): void {
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

/** Text broken into lines of the width, whole: at a space where one is near, else mid-word. Nothing is cut. */
export function wrapWhole(text: string, width: number): string[] {
  return wrapText(text, width, Number.MAX_SAFE_INTEGER);
}

/** Text broken into at most max lines of the width (the last one cut), for messages that must be read whole. */
export function wrapText(text: string, width: number, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  const w = Math.max(10, width);
  while (rest.length > 0 && out.length < max) {
    if (rest.length <= w || out.length === max - 1) {
      out.push(cut(rest, w));
      break;
    }
    const space = rest.lastIndexOf(' ', w);
    const at = space > w / 2 ? space : w;
    out.push(rest.slice(0, at));
    rest = rest.slice(at).trimStart();
  }
  return out;
}
