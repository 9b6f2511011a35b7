// The first step: what the wizard does. Nothing to check; headless it only starts the run.
import type {StepDefinition} from '../types.js';

export const welcomeStep: StepDefinition<'welcome'> = {
  id: 'welcome',
  title: 'Welcome',
  purpose: [
    'Takes you from a rack of bare metal to a Kong Gateway data plane connected to its control plane in AWS.',
    'Every answer and step is saved; quit at any time and resume where you stopped.',
  ],
  reads: [],
  runHeadless: async () => ({summary: 'started'}),
};
