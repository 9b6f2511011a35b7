// Importing this module registers every step's logic with the registry.
import './welcome.js';
import './preflight.js';
import './discover.js';
import './hardware.js';
import './cluster-spec.js';
import './create-cluster.js';
import './control-plane.js';
import './data-plane.js';
import './verify.js';
import './done.js';
import './existing-cluster.js';
