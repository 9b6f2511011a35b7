// The cluster-spec step's screen. Until it has its own, the generic step screen shows what the step does.
export {GenericStep as ClusterSpec} from './GenericStep.js';
