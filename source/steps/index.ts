// Importing this module registers every step's logic with the registry.
import './welcome/step.js';
import './preflight/step.js';
import './discover/step.js';
import './hardware/step.js';
import './cluster-spec/step.js';
import './create-cluster/step.js';
import './control-plane/step.js';
import './data-plane/step.js';
import './verify/step.js';
import './done/step.js';
import './existing-cluster.js';
