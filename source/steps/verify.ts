// The verify step's logic: registered with implementStep('verify', {check, runHeadless}) once it exists.
// Until then the registry reports it as not available in this build.
export {};
