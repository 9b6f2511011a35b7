// The create-cluster step's screen. Until it has its own, the generic step screen shows what the step does.
export {GenericStep as CreateCluster} from './GenericStep.js';
