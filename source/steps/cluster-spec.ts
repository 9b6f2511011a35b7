// The cluster-spec step's logic: registered with implementStep('cluster-spec', {check, runHeadless}) once it exists.
// Until then the registry reports it as not available in this build.
export {};
