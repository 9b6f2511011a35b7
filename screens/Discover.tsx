// The discover step's screen. Until it has its own, the generic step screen shows what the step does.
export {GenericStep as Discover} from './GenericStep.js';
