// How an output pane opens a finished command's full log: the app shell provides the handler
// (it hands the terminal to the pager and takes it back), so no screen has to pass it down.
import {createContext} from 'react';

export const OpenLogContext = createContext<((path: string) => void) | undefined>(undefined);
