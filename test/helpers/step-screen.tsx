// Harness for one step screen (preflight, cluster spec, create cluster...): rendered with a live
// session controller and scripted ports, as the app shell would wire it.
import React, {useSyncExternalStore} from 'react';
import {SessionController} from '../../source/wizard/controller.js';
import {getStep, type StepOutcome} from '../../source/wizard/registry.js';
import {newSession, type Session} from '../../source/session/schema.js';
import type {Answers} from '../../source/session/answers.js';
import type {Ports} from '../../source/ports.js';
import type {KeyBinding} from '../../source/ui/keys.js';
import {KeyProvider, useKeyBindings} from '../../source/ui/KeyDispatcher.js';
import {ThemeProvider, makeTheme} from '../../source/ui/theme.js';
import {screenFor} from '../../screens/index.js';
import {STEP_IDS, type StepId} from '../../source/wizard/step-ids.js';
import {renderInk, type Rendered} from './ink.js';
import {stepContext} from './step-context.js';

/** Answers of a small lab (1 CP, 1 worker on 10.20.0.0/24) the cluster screens start from. */
export const specAnswers: Answers = {
  admin: {interface: 'eno1', bootstrapIp: '10.20.0.10'},
  network: {netmask: '255.255.255.0', gateway: '10.20.0.1', nameservers: ['10.20.0.2']},
  machines: [
    {hostname: 'eksa-cp01', mac: 'aa:bb:cc:00:00:01', ip: '10.20.0.11', role: 'cp', disk: '/dev/sda'},
    {hostname: 'eksa-wk01', mac: 'aa:bb:cc:00:00:02', ip: '10.20.0.12', role: 'worker', disk: '/dev/sda'},
  ],
  cluster: {name: 'seed', kubernetesVersion: '1.35', osImageUrl: 'http://10.20.0.10:8080/ubuntu-2204-kube-1-35.gz'},
};

export interface Harness {
  app: Rendered;
  controller: SessionController;
  completed: StepOutcome[];
  keys(): KeyBinding[];
  ports: Ports;
}

/** A session whose steps before `step` are done, with these answers. */
export function sessionAt(step: StepId, answers: Answers, world: Session['world'] = 'real'): Session {
  const s = newSession('lab1', world);
  const at = new Date().toISOString();
  for (const id of STEP_IDS.slice(0, STEP_IDS.indexOf(step)))
    s.steps[id] = {
      state: 'done',
      attempts: [{n: 1, startedAt: at, endedAt: at, result: 'done', logs: []}],
      summary: 'done',
    };
  return {...s, currentStep: step, answers: {...s.answers, ...answers}};
}

export function renderStep(
  step: StepId,
  session: Session,
  ports: Ports,
  opts: {columns?: number; rows?: number; autoplay?: boolean} = {},
): Harness {
  const controller = new SessionController(session, s => s);
  const completed: StepOutcome[] = [];
  let keys: KeyBinding[] = [];
  const {ctx} = stepContext(controller, ports);
  const Screen = screenFor(step);
  const columns = opts.columns ?? 100;
  const rows = opts.rows ?? 30;
  function Keys() {
    const k = useKeyBindings(false);
    keys = k;
    return null;
  }
  function Wrapper() {
    const s = useSyncExternalStore(controller.subscribe, controller.get);
    return (
      <Screen
        session={s}
        step={getStep(step)}
        ctx={ctx}
        width={columns - 26}
        height={rows - 5}
        isActive
        runWork={fn => fn(new AbortController().signal)}
        complete={o => {
          completed.push(o);
        }}
        autoplay={opts.autoplay ?? false}
      />
    );
  }
  const app = renderInk(
    <ThemeProvider theme={makeTheme(true)}>
      <KeyProvider>
        <Wrapper />
        <Keys />
      </KeyProvider>
    </ThemeProvider>,
    {columns, rows},
  );
  return {app, controller, completed, keys: () => keys, ports};
}
