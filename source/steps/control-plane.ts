// The control-plane step's logic: registered with implementStep('control-plane', {check, runHeadless}) once it exists.
// Until then the registry reports it as not available in this build.
export {};
