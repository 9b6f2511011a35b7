// A resize redraws the whole screen. Ink erases its previous frame by counting lines, which is wrong
// once the terminal has rewrapped them (narrower) or dropped them (shorter): old text stays beside the
// new. So on every resize the screen is cleared and the frame drawn anew from the top: the content is
// hidden for one frame (display none keeps every component mounted, so no state is lost), which makes
// Ink's output differ and so be written again in full even when the resize did not change it.
import React, {useEffect, useState, type ReactNode} from 'react';
import {Box, useStdout} from 'ink';

const CLEAR_SCREEN = '\u001b[2J\u001b[H';
/** Longer than one frame at Ink's frame rate, so that the empty frame is written before the full one. */
const BLANK_MS = 120;

export function RedrawOnResize({children}: {children: ReactNode}) {
  const {stdout} = useStdout();
  const [blank, setBlank] = useState(false);
  useEffect(() => {
    if (!stdout.isTTY) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const onResize = () => {
      stdout.write(CLEAR_SCREEN);
      setBlank(true);
      clearTimeout(timer);
      timer = setTimeout(() => setBlank(false), BLANK_MS);
    };
    // Before Ink's own handler, so that its redraw lands on the cleared screen.
    stdout.prependListener('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
      clearTimeout(timer);
    };
  }, [stdout]);
  return (
    <Box display={blank ? 'none' : 'flex'} flexDirection="column">
      {children}
    </Box>
  );
}
