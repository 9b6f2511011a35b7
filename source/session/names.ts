// Session names: folder names under sessions/, typed by the admin or given as the answers' session key.
export const SESSION_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
export const SESSION_NAME_RULE = 'lowercase letters, digits, ".", "_" or "-", at most 63 characters';
