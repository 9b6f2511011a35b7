import {implementStep} from '../../wizard/registry.js';

implementStep('welcome', {
  runHeadless: async () => ({summary: 'started'}),
});
