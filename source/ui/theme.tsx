// Semantic colours. Components ask for a role, never a colour; under NO_COLOR / --no-color every role
// maps to nothing and emphasis is carried by symbols and bold/inverse only.
import React, {createContext, useContext} from 'react';

export type Role = 'accent' | 'ok' | 'warn' | 'error' | 'muted' | 'running' | 'demo';

const COLOURS: Record<Role, string> = {
  accent: 'cyan',
  ok: 'green',
  warn: 'yellow',
  error: 'red',
  muted: 'gray',
  running: 'blue',
  demo: 'magenta',
};

export interface Theme {
  monochrome: boolean;
  color(role: Role): string | undefined;
}

export function makeTheme(monochrome: boolean): Theme {
  return {monochrome, color: role => (monochrome ? undefined : COLOURS[role])};
}

const ThemeContext = createContext<Theme>(makeTheme(false));

export function ThemeProvider({theme, children}: {theme: Theme; children: React.ReactNode}) {
  return <ThemeContext.Provider value={theme}>{children}</ThemeContext.Provider>;
}

export function useTheme(): Theme {
  return useContext(ThemeContext);
}

/** NO_COLOR (any non-empty value, per no-color.org), --no-color, or a dumb terminal. */
export function wantsMonochrome(env: Readonly<Record<string, string | undefined>>, flag: boolean): boolean {
  return flag || Boolean(env['NO_COLOR']) || env['TERM'] === 'dumb';
}
