// A pki failure as a data-plane check: a PkiError names the controlPlane.* key to give (exit 2).
import type {DpCheck} from './dp-step.js';
import {PkiError} from '../../kong/pki.js';

export function pkiFailure(error: unknown): DpCheck {
  if (error instanceof PkiError) return {id: 'cert-secret', status: 'fail', title: error.message, key: error.key};
  return {
    id: 'cert-secret',
    status: 'fail',
    title: `pki: the data plane certificate could not be made (${(error as Error).message.split('\n')[0]})`,
  };
}
