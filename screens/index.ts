// Which screen shows which step. Steps without a dedicated screen use GenericStep.
import type React from 'react';
import type {StepId} from '../source/wizard/step-ids.js';
import type {ScreenProps} from './types.js';
import {Welcome} from './Welcome.js';
import {GenericStep} from './GenericStep.js';

const SCREENS: Partial<Record<StepId, React.ComponentType<ScreenProps>>> = {
  welcome: Welcome,
};

export function screenFor(step: StepId): React.ComponentType<ScreenProps> {
  return SCREENS[step] ?? GenericStep;
}

export function registerScreen(step: StepId, screen: React.ComponentType<ScreenProps>): void {
  SCREENS[step] = screen;
}
