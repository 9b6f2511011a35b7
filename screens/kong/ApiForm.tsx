// The Verify screen's API form: the Service, the Route and the policy presets with their few fields.
// A sub-view of Verify: its keys go through the dispatcher (screen scope while it is open, the field's
// prompt scope while a value is edited), so the footer and help show them. Enter edits a value (Enter
// keeps it, Esc leaves it as it was), Space or Enter turns a preset on or off, s saves into the answers
// after the same checks an answers file gets, Esc closes the form and keeps the draft for next time.
import React, {useState} from 'react';
import {Box, Text} from 'ink';
import {useKeys} from '../../source/ui/KeyDispatcher.js';
import type {KeyAction} from '../../source/ui/keymap.js';
import {TextField} from '../../source/ui/TextField.js';
import {useTheme} from '../../source/ui/theme.js';
import {cut} from '../cluster/autoplay.js';
import type {ApiAnswers} from '../../source/session/api-answers.js';
import {
  answersFromForm,
  formIssues,
  formRows,
  type ApiForm as ApiFormValues,
  type FormIssue,
  type TextField as FieldId,
} from '../../source/steps/verify/api-form.js';

export interface ApiFormProps {
  form: ApiFormValues;
  onForm(form: ApiFormValues): void;
  onSave(api: ApiAnswers): void;
  /** Esc with no edit open: the form closes, the draft stays with the screen. */
  onClose(): void;
  width: number;
  height: number;
  isActive: boolean;
}

const LABEL = 15;

export function ApiForm({form, onForm, onSave, onClose, width, height, isActive}: ApiFormProps) {
  const theme = useTheme();
  const rows = formRows(form);
  const [focus, setFocus] = useState(0);
  const [editing, setEditing] = useState<string | null>(null);
  const [failed, setFailed] = useState<FormIssue | null>(null);
  const at = Math.min(focus, rows.length - 1);
  const row = rows[at]!;

  const move = (by: number) => setFocus((at + by + rows.length) % rows.length);
  const toggle = () => {
    if (!row.toggle) return false;
    onForm({...form, on: {...form.on, [row.toggle]: !form.on[row.toggle]}});
    setFailed(null);
    return true;
  };
  const keys: KeyAction[] = [
    {id: 'api-up', keys: ['Up'], label: 'move', help: 'Highlight the row above.', footer: false, run: () => move(-1)},
    {
      id: 'api-down',
      keys: ['Down', 'Tab'],
      label: 'move',
      help: 'Highlight the row below.',
      footer: false,
      run: () => move(1),
    },
    {
      id: 'api-edit',
      keys: ['Enter'],
      label: row.toggle ? 'on/off' : 'edit',
      help: 'Edit the highlighted value (Enter keeps it, Esc leaves it as it was), or turn the highlighted preset on or off.',
      run: () => (row.toggle ? toggle() : setEditing(form.values[row.id as FieldId])),
    },
    {
      id: 'api-toggle',
      keys: ['Space'],
      label: 'on/off',
      help: 'Turn the highlighted policy preset on or off.',
      run: toggle,
    },
    {
      id: 'api-save',
      keys: ['s'],
      label: 'save',
      help: 'Check the API as an answers file is checked and save it into the session answers (secrets by reference only).',
      run: () => {
        const issue = formIssues(form)[0];
        if (issue) {
          setFailed(issue);
          const where = rows.findIndex(r => r.id === issue.row);
          if (where >= 0) setFocus(where);
          return;
        }
        onSave(answersFromForm(form));
      },
    },
    {
      id: 'api-close',
      keys: ['Esc'],
      label: 'close',
      help: 'Close the form without saving; what was typed stays for the next time it is opened.',
      run: () => onClose(),
    },
  ];
  useKeys('screen', keys, {isActive: isActive && editing === null});

  const issues = formIssues(form);
  const here = issues.find(i => i.row === row.id);
  const note = failed ?? here;
  // Room: the title, the rows and two lines for a message (the footer shows the keys).
  const room = Math.max(3, height - 3);
  const start = Math.min(Math.max(0, at - Math.floor(room / 2)), Math.max(0, rows.length - room));
  return (
    <Box flexDirection="column">
      <Text bold color={theme.color('accent')}>
        {cut('First API · Service, Route and policy presets', width)}
      </Text>
      <Box flexDirection="column" height={room} overflow="hidden">
        {rows.slice(start, start + room).map((r, i) => {
          const focused = start + i === at;
          const mark = focused ? '›' : ' ';
          if (r.toggle)
            return (
              <Text key={r.id} wrap="truncate-end" bold={focused} color={focused ? theme.color('accent') : undefined}>
                {cut(`${mark} [${form.on[r.toggle] ? 'x' : ' '}] ${r.label}`, width)}
              </Text>
            );
          const head = `${mark} ${r.sub ? '    ' : ''}${r.label.padEnd(r.sub ? LABEL - 4 : LABEL)} `;
          const value = form.values[r.id as FieldId];
          if (focused && editing !== null)
            return (
              <Box key={r.id} width={width}>
                <Text bold>{head}</Text>
                <TextField
                  value={editing}
                  onChange={setEditing}
                  onSubmit={v => {
                    onForm({...form, values: {...form.values, [r.id]: v}});
                    setEditing(null);
                    setFailed(null);
                  }}
                  onCancel={() => setEditing(null)}
                  focus
                />
              </Box>
            );
          const bad = issues.some(x => x.row === r.id);
          return (
            <Text key={r.id} wrap="truncate-end">
              <Text bold={focused} color={focused ? theme.color('accent') : undefined}>
                {head}
              </Text>
              <Text color={value ? (bad ? theme.color('error') : undefined) : theme.color('muted')}>
                {cut(value || r.placeholder || '', Math.max(1, width - head.length))}
              </Text>
            </Text>
          );
        })}
      </Box>
      <Box height={2} overflow="hidden">
        <Text wrap="wrap" color={failed ? theme.color('error') : theme.color('muted')}>
          {note ? note.message : issues.length ? `${issues.length} to fix before saving` : 'Ready to save (s).'}
        </Text>
      </Box>
    </Box>
  );
}
