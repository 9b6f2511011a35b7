// The baseline: a bundled Ink hello-world, built with the same settings as the CLI.
import React from 'react';
import {render, Text} from 'ink';

const app = render(<Text>Hello from Ink</Text>, {exitOnCtrlC: false, patchConsole: false});
setTimeout(() => app.unmount(), 200);
