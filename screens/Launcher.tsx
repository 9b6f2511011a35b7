// The first screen of a bare `eksa-kong`: start a new session, add a data plane to an existing cluster,
// resume a saved one, or the guided demo.
import React, {useState} from 'react';
import {Box, Text, useStdout} from 'ink';
import {KeyProvider, useKeyBindings, useKeys} from '../source/ui/KeyDispatcher.js';
import {TextField} from '../source/ui/TextField.js';
import {Footer} from '../source/ui/Footer.js';
import {HelpOverlay} from '../source/ui/HelpOverlay.js';
import type {KeyBinding} from '../source/ui/keys.js';
import {SESSION_NAME} from '../source/session/names.js';
import {contextName, pathText} from '../source/session/kube-names.js';
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
  /** A data plane on a cluster made elsewhere: the session skips the bare-metal steps. */
  | {kind: 'existing'; name: string; kubeconfig: string; context?: string}
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

// Every key goes through the one dispatcher (the menu's arrows and Enter too), so a burst such as Down
// Enter in one read moves and then chooses; the footer and the ? help are drawn from the same keys.
function LauncherMenu({sessions, demoAvailable, onChoice}: LauncherProps) {
  const theme = useTheme();
  const columns = useStdout().stdout.columns || 80;
  // What the form asks: a new session's name, or (existing cluster) the name, kubeconfig and context.
  const [form, setForm] = useState<'new' | 'existing' | null>(null);
  const naming = form !== null;
  const [name, setName] = useState('');
  const [kubeconfig, setKubeconfig] = useState('~/.kube/config');
  const [context, setContext] = useState('');
  const [field, setField] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [cursor, setCursor] = useState(0);
  // The help lists what acted when it was opened (while it is up it takes every key).
  const [help, setHelp] = useState<KeyBinding[] | null>(null);

  const items = [
    {key: 'new', label: 'New session', value: 'new'},
    {key: 'existing', label: 'Add a data plane to an existing cluster', value: 'existing'},
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
  const at = Math.min(cursor, items.length - 1);
  const choose = (value: string) => {
    if (value === 'new' || value === 'existing') setForm(value);
    else if (value === 'demo') onChoice({kind: 'demo'});
    else if (value === 'quit') onChoice({kind: 'quit'});
    else if (value.startsWith('s:')) onChoice({kind: 'status', name: value.slice(2)});
    else onChoice({kind: 'resume', name: value.slice(2)});
  };

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
          setForm(null);
          setField(0);
          setError(null);
        },
      },
    ],
    {isActive: naming},
  );
  const reachable = useKeyBindings(false);
  useKeys(
    'screen',
    [
      {
        id: 'move',
        keys: ['Up', 'Down'],
        label: 'move',
        help: 'Move through the menu (it wraps around).',
        run: press =>
          setCursor(c => (Math.min(c, items.length - 1) + (press.name === 'Up' ? items.length - 1 : 1)) % items.length),
      },
      {
        id: 'choose',
        keys: ['Enter'],
        label: 'choose',
        help: 'Open what is selected.',
        run: () => choose(items[at]!.value),
      },
      {id: 'help', keys: ['?'], label: 'help', help: 'Show or hide this help.', run: () => setHelp(reachable)},
    ],
    {isActive: !naming && help === null},
  );
  useKeys(
    'dialog',
    [
      {
        id: 'close-help',
        keys: ['Esc', '?', 'Enter'],
        label: 'close',
        help: 'Close the help.',
        run: () => setHelp(null),
      },
    ],
    {isActive: help !== null, modal: true},
  );
  const footer = useKeyBindings(true);

  const taken = new Set(sessions.map(s => s.name));
  const nameProblem = (value: string): string | null => {
    if (!NAME_RULE.test(value)) {
      return 'Session name: use lowercase letters, digits, ".", "_" or "-" (at most 63), starting with a letter or digit.';
    }
    if (taken.has(value)) return `A session named ${value} exists: resume it, or choose another name.`;
    return null;
  };
  const submit = (value: string) => {
    const problem = nameProblem(value);
    if (problem) setError(problem);
    else onChoice({kind: 'new', name: value});
  };
  // Enter moves from field to field; on the last one, every field is checked again and the session opens.
  const submitExisting = () => {
    const path = pathText.min(1, 'the kubeconfig path is empty').safeParse(kubeconfig.trim());
    const ctx = context.trim() ? contextName.safeParse(context.trim()) : null;
    const problems: [number, string | null][] = [
      [0, nameProblem(name)],
      [1, path.success ? null : `Kubeconfig: ${path.error.issues[0]?.message ?? 'not a usable path'}.`],
      [2, ctx && !ctx.success ? `Context: ${ctx.error.issues[0]?.message ?? 'not a usable name'}.` : null],
    ];
    const upTo = problems.filter(([i]) => i <= field).find(([, p]) => p);
    if (upTo) {
      setField(upTo[0]);
      setError(upTo[1]);
      return;
    }
    if (field < 2) {
      setField(field + 1);
      return;
    }
    onChoice({
      kind: 'existing',
      name,
      kubeconfig: kubeconfig.trim(),
      ...(context.trim() ? {context: context.trim()} : {}),
    });
  };
  const edit = (set: (v: string) => void) => (v: string) => (set(v), setError(null));

  return (
    <Box flexDirection="column">
      <Text bold color={theme.color('accent')}>
        eksa-kong
      </Text>
      <Text>Bare metal to EKS Anywhere to a connected Kong Gateway data plane.</Text>
      <Text> </Text>
      {form === 'existing' ? (
        <Box flexDirection="column">
          <Text>A data plane on a cluster made elsewhere (EKS Anywhere on vSphere, EKS, any Kubernetes):</Text>
          <Text>the bare-metal steps are skipped; the session opens at the preflight.</Text>
          <Text> </Text>
          {(
            [
              ['Session name: ', name, setName, 'dp2'],
              ['Kubeconfig:   ', kubeconfig, setKubeconfig, '~/.kube/config'],
              ['Context:      ', context, setContext, '(the current context)'],
            ] as const
          ).map(([label, value, set, placeholder], i) => (
            <Box key={label}>
              <Text bold={i === field}>{(i === field ? '> ' : '  ') + label}</Text>
              <TextField
                value={value}
                onChange={edit(set)}
                onSubmit={submitExisting}
                placeholder={placeholder}
                focus={i === field}
                maxLength={i === 0 ? 63 : undefined}
              />
            </Box>
          ))}
          {error ? <Text color={theme.color('error')}>{error}</Text> : null}
          <Text color={theme.color('muted')}>Enter next field · Enter on the last opens the session · Esc back</Text>
        </Box>
      ) : naming ? (
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
        <Box flexDirection="column">
          {items.map((item, i) => (
            <Text key={item.key} color={i === at ? theme.color('accent') : undefined}>
              {(i === at ? '❯ ' : '  ') + item.label}
            </Text>
          ))}
        </Box>
      )}
      {help ? (
        <HelpOverlay
          title="eksa-kong"
          purpose={['Start a session, add a data plane to an existing cluster, resume one, or play the demo.']}
          bindings={help}
          width={Math.min(80, columns)}
          height={Math.min(14, help.length + 5)}
        />
      ) : null}
      <Text> </Text>
      <Footer bindings={footer} width={columns - 1} />
    </Box>
  );
}
