// The create-cluster step's logic: registered with implementStep('create-cluster', {check, runHeadless}) once it exists.
// Until then the registry reports it as not available in this build.
export {};
