// The data-plane step's logic: registered with implementStep('data-plane', {check, runHeadless}) once it exists.
// Until then the registry reports it as not available in this build.
export {};
