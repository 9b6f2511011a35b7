// The discover step's logic: registered with implementStep('discover', {check, runHeadless}) once it exists.
// Until then the registry reports it as not available in this build.
export {};
