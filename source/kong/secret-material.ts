// A Secret read from the control plane cluster, kept only to copy it to the data plane cluster.
// It hides its data from JSON.stringify, util.inspect and string conversion so that a stray log line,
// a session save or an error report cannot leak the key or the license.
import {inspect} from 'node:util';
import type {KubeSecret} from './kube-api.js';

export class SecretMaterial {
  readonly #secret: KubeSecret;

  constructor(secret: KubeSecret) {
    this.#secret = secret;
  }

  get name(): string {
    return this.#secret.metadata.name;
  }

  get type(): string | undefined {
    return this.#secret.type;
  }

  get keys(): string[] {
    return Object.keys(this.#secret.data ?? {}).sort();
  }

  /** Decoded value of one key, for checks (certificate) or for handing to the deploy step. */
  value(key: string): Buffer | undefined {
    const b64 = this.#secret.data?.[key];
    return b64 === undefined ? undefined : Buffer.from(b64, 'base64');
  }

  /** The raw Secret as read (base64 data untouched). Only the deploy step should call this. */
  unwrap(): KubeSecret {
    return this.#secret;
  }

  toJSON(): {name: string; type?: string; keys: string[]} {
    return {name: this.name, type: this.type, keys: this.keys};
  }

  toString(): string {
    return `Secret ${this.name} (${this.keys.join(', ')})`;
  }

  [inspect.custom](): string {
    return `SecretMaterial<${this.toString()}>`;
  }
}
