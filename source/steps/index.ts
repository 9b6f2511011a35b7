// Importing this module registers every step's logic with the registry.
import './welcome.js';
import './done.js';
