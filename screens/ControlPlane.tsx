// The control-plane step's screen. Until it has its own, the generic step screen shows what the step does.
export {GenericStep as ControlPlane} from './GenericStep.js';
