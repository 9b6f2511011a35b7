// The first screen of a bare `eksa-kong`: start a new session, resume a saved one, or the guided demo.
import React, {useState} from 'react';
import {Box, Text} from 'ink';
import {KeyProvider, useKeys} from '../source/ui/KeyDispatcher.js';
import SelectInput from 'ink-select-input';
import {TextField} from '../source/ui/TextField.js';
import {SESSION_NAME} from '../source/session/names.js';
import {useTheme} from '../source/ui/theme.js';

export interface SavedSessionRow {
  name: string;
  step: string;
  status: string;
  updatedAt: string;
}

/** `interrupted`: left with Ctrl-C, which exits 130 like everywhere else; the Quit item exits 0. */
export type LauncherChoice =
  | {kind: 'new'; name: string}
  | {kind: 'resume'; name: string}
  | {kind: 'status'; name: string}
  | {kind: 'demo'}
  | {kind: 'quit'; interrupted?: boolean};

const NAME_RULE = SESSION_NAME;

interface LauncherProps {
  sessions: SavedSessionRow[];
  demoAvailable: boolean;
  onChoice(choice: LauncherChoice): void;
}

export function Launcher(props: LauncherProps) {
  return (
    <KeyProvider>
      <LauncherMenu {...props} />
    </KeyProvider>
  );
}

// The menu itself is ink-select-input (its own arrow and Enter handling); Ctrl-C and the name field go
// through the dispatcher.
function LauncherMenu({sessions, demoAvailable, onChoice}: LauncherProps) {
  const theme = useTheme();
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);

  useKeys(
    'dialog',
    [
      {
        id: 'quit',
        keys: ['Ctrl-C'],
        label: 'quit',
        help: 'Leave eksa-kong.',
        run: () => onChoice({kind: 'quit', interrupted: true}),
      },
    ],
    {first: true},
  );
  useKeys(
    'screen',
    [
      {
        id: 'back',
        keys: ['Esc'],
        label: 'back',
        help: 'Back to the menu.',
        run: () => {
          setNaming(false);
          setError(null);
        },
      },
    ],
    {isActive: naming},
  );

  const items = [
    {key: 'new', label: 'New session', value: 'new'},
    ...sessions
      .filter(s => s.status !== 'done' && s.status !== 'destroyed')
      .slice(0, 8)
      .map(s => ({key: `r:${s.name}`, label: `Resume ${s.name} (${s.step}, ${s.status})`, value: `r:${s.name}`})),
    // A finished session's day two: its live status.
    ...sessions
      .filter(s => s.status === 'done')
      .slice(0, 4)
      .map(s => ({key: `s:${s.name}`, label: `Status of ${s.name} (finished)`, value: `s:${s.name}`})),
    ...(demoAvailable ? [{key: 'demo', label: 'Guided demo (simulated data center)', value: 'demo'}] : []),
    {key: 'quit', label: 'Quit', value: 'quit'},
  ];

  const taken = new Set(sessions.map(s => s.name));
  const submit = (value: string) => {
    if (!NAME_RULE.test(value)) {
      setError('Use lowercase letters, digits, ".", "_" or "-" (at most 63), starting with a letter or digit.');
      return;
    }
    if (taken.has(value)) {
      setError(`A session named ${value} exists: resume it, or choose another name.`);
      return;
    }
    onChoice({kind: 'new', name: value});
  };

  return (
    <Box flexDirection="column">
      <Text bold color={theme.color('accent')}>
        eksa-kong
      </Text>
      <Text>Bare metal to EKS Anywhere to a connected Kong Gateway data plane.</Text>
      <Text> </Text>
      {naming ? (
        <Box flexDirection="column">
          <Box>
            <Text>Session name: </Text>
            <TextField
              value={name}
              onChange={v => (setName(v), setError(null))}
              onSubmit={submit}
              placeholder="lab1"
              maxLength={63}
            />
          </Box>
          {error ? <Text color={theme.color('error')}>{error}</Text> : null}
          <Text color={theme.color('muted')}>Enter create · Esc back</Text>
        </Box>
      ) : (
        <SelectInput
          items={items}
          onSelect={item => {
            if (item.value === 'new') setNaming(true);
            else if (item.value === 'demo') onChoice({kind: 'demo'});
            else if (item.value === 'quit') onChoice({kind: 'quit'});
            else if (item.value.startsWith('s:')) onChoice({kind: 'status', name: item.value.slice(2)});
            else onChoice({kind: 'resume', name: item.value.slice(2)});
          }}
        />
      )}
    </Box>
  );
}
