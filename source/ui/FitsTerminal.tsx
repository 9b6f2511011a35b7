// Below the size the screens are laid out for (80x24), Ink's layout squeezes boxes into each other and
// lines overlap. Such a terminal shows one line saying what is needed instead; the app stays mounted
// underneath (display none), so nothing is lost and it comes back as it was once the terminal grows.
// While hidden, only Ctrl-C reaches the keys (KeyProvider reads TerminalFitsContext): a key typed
// blind must not act on a screen nobody can see.
import React, {createContext, type ReactNode} from 'react';
import {Box, Text} from 'ink';
import {useTerminalSize} from './useTerminalSize.js';

export const MIN_COLUMNS = 80;
export const MIN_ROWS = 24;

/** false while the terminal is too small and the app is hidden. */
export const TerminalFitsContext = createContext(true);

export function tooSmallMessage(columns: number, rows: number): string {
  return `eksa-kong needs at least ${MIN_COLUMNS}×${MIN_ROWS}; this terminal is ${columns}×${rows}. Enlarge it to go on.`;
}

export function FitsTerminal({children}: {children: ReactNode}) {
  const {columns, rows} = useTerminalSize();
  const fits = columns >= MIN_COLUMNS && rows >= MIN_ROWS;
  return (
    <TerminalFitsContext.Provider value={fits}>
      {fits ? null : <Text wrap="wrap">{tooSmallMessage(columns, rows)}</Text>}
      <Box display={fits ? 'flex' : 'none'} flexDirection="column">
        {children}
      </Box>
    </TerminalFitsContext.Provider>
  );
}
