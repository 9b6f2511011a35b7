// The session file's format version, in a module of its own so that listing sessions (the launcher's
// first frame) does not load the schema library.
export const SESSION_VERSION = 1;
