// secrets.json (0600): BMC passwords, the Redfish sweep password, the Kong admin token, the Kong license
// and the EKS Anywhere licence token,
// the Kong control plane's database password (when the wizard deploys it),
// each inline or as a reference to an environment variable or a file. session.json never holds them:
// saveSession() passes the answers through extractSecrets() before writing.
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import {homedir} from 'node:os';
import {join} from 'node:path';
import * as z from 'zod';
import type {Answers, Machine} from './answers.js';
import {SecretError, fsReason} from './errors.js';
import {expandTilde, writeFileAtomic} from './home.js';

export const SECRETS_FILE = 'secrets.json';
export const SECRETS_VERSION = 1;

export const secretRefSchema = z.union([
  z.string(),
  z.object({env: z.string().min(1)}).strict(),
  z.object({file: z.string().min(1)}).strict(),
]);
/** A secret value inline, or where to read it. */
export type SecretRef = z.infer<typeof secretRefSchema>;

export const secretsSchema = z
  .object({
    version: z.literal(SECRETS_VERSION),
    bmc: z
      .object({
        /** Passwords of machines' BMCs, by machine hostname. */
        byHostname: z.record(z.string(), secretRefSchema).default({}),
        /** Passwords entered for BMCs found by discovery, before they have a hostname. */
        byIp: z.record(z.string(), secretRefSchema).default({}),
      })
      .strict()
      .default({byHostname: {}, byIp: {}}),
    redfishPassword: secretRefSchema.optional(),
    kongAdminToken: secretRefSchema.optional(),
    license: secretRefSchema.optional(),
    /** EKS Anywhere licence token (cluster.licenseToken), for extended-support Kubernetes versions. */
    eksaLicenseToken: secretRefSchema.optional(),
    /** Password of the Kong control plane's Postgres (controlPlane.deploy.database), given or generated. */
    cpDatabasePassword: secretRefSchema.optional(),
  })
  .strict();
export type Secrets = z.infer<typeof secretsSchema>;

export function emptySecrets(): Secrets {
  return {version: SECRETS_VERSION, bmc: {byHostname: {}, byIp: {}}};
}

export function hasSecrets(s: Secrets): boolean {
  return (
    Object.keys(s.bmc.byHostname).length > 0 ||
    Object.keys(s.bmc.byIp).length > 0 ||
    s.redfishPassword !== undefined ||
    s.kongAdminToken !== undefined ||
    s.license !== undefined ||
    s.eksaLicenseToken !== undefined ||
    s.cpDatabasePassword !== undefined
  );
}

/**
 * Moves inline secrets out of the answers: machines[].bmc.password, discovery.redfish.password,
 * controlPlane.adminToken and controlPlane.license. References (passwordEnv, adminTokenFile, ...) stay
 * in the answers. The input is not modified.
 */
export function extractSecrets(answers: Answers): {answers: Answers; secrets: Secrets} {
  const out = structuredClone(answers);
  const secrets = emptySecrets();
  for (const machine of out.machines ?? []) {
    if (machine.bmc?.password !== undefined) {
      secrets.bmc.byHostname[machine.hostname] = machine.bmc.password;
      delete machine.bmc.password;
    }
  }
  const redfish = out.discovery?.redfish;
  if (redfish?.password !== undefined) {
    secrets.redfishPassword = redfish.password;
    delete redfish.password;
  }
  const cp = out.controlPlane;
  if (cp?.adminToken !== undefined) {
    secrets.kongAdminToken = cp.adminToken;
    delete cp.adminToken;
  }
  if (cp?.license !== undefined) {
    secrets.license = cp.license;
    delete cp.license;
  }
  const db = cp?.deploy?.database;
  if (db?.password !== undefined) {
    secrets.cpDatabasePassword = db.password;
    delete db.password;
  }
  const cluster = out.cluster;
  if (cluster?.licenseToken !== undefined) {
    secrets.eksaLicenseToken = cluster.licenseToken;
    delete cluster.licenseToken;
  }
  return {answers: out, secrets};
}

/**
 * The patch without the inline secrets it repeats unchanged from `stored`. A session keeps its inline
 * secrets in secrets.json, not in its answers, so an answers file that gives the same BMC password
 * again would otherwise read as a changed answer and send the steps that read it back to pending. A
 * secret that differs stays in the patch: a new password is a change. The input is not modified.
 */
export function withoutUnchangedSecrets(patch: Answers, stored: Secrets): Answers {
  const out = structuredClone(patch);
  const same = (a: SecretRef | undefined, b: SecretRef | undefined) =>
    a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b);
  for (const machine of out.machines ?? []) {
    if (machine.bmc && same(machine.bmc.password, stored.bmc.byHostname[machine.hostname])) delete machine.bmc.password;
  }
  const redfish = out.discovery?.redfish;
  if (redfish && same(redfish.password, stored.redfishPassword)) delete redfish.password;
  const cp = out.controlPlane;
  if (cp && same(cp.adminToken, stored.kongAdminToken)) delete cp.adminToken;
  if (cp && same(cp.license, stored.license)) delete cp.license;
  const db = cp?.deploy?.database;
  if (db && same(db.password, stored.cpDatabasePassword)) delete db.password;
  const cluster = out.cluster;
  if (cluster && same(cluster.licenseToken, stored.eksaLicenseToken)) delete cluster.licenseToken;
  return out;
}

/** `update` wins entry by entry. */
export function mergeSecrets(base: Secrets, update: Secrets): Secrets {
  const merged: Secrets = {
    version: SECRETS_VERSION,
    bmc: {
      byHostname: {...base.bmc.byHostname, ...update.bmc.byHostname},
      byIp: {...base.bmc.byIp, ...update.bmc.byIp},
    },
  };
  const redfishPassword = update.redfishPassword ?? base.redfishPassword;
  const kongAdminToken = update.kongAdminToken ?? base.kongAdminToken;
  const license = update.license ?? base.license;
  if (redfishPassword !== undefined) merged.redfishPassword = redfishPassword;
  if (kongAdminToken !== undefined) merged.kongAdminToken = kongAdminToken;
  if (license !== undefined) merged.license = license;
  const eksaLicenseToken = update.eksaLicenseToken ?? base.eksaLicenseToken;
  if (eksaLicenseToken !== undefined) merged.eksaLicenseToken = eksaLicenseToken;
  const cpDatabasePassword = update.cpDatabasePassword ?? base.cpDatabasePassword;
  if (cpDatabasePassword !== undefined) merged.cpDatabasePassword = cpDatabasePassword;
  return merged;
}

/** The session's secrets; an absent secrets.json is an empty one. */
export async function loadSecrets(dir: string): Promise<Secrets> {
  const file = join(dir, SECRETS_FILE);
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptySecrets();
    throw new SecretError(`cannot read ${file}: ${fsReason(err)}`, file);
  }
  return parseSecrets(text, file);
}

export function loadSecretsSync(dir: string): Secrets {
  const file = join(dir, SECRETS_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptySecrets();
    throw new SecretError(`cannot read ${file}: ${fsReason(err)}`, file);
  }
  return parseSecrets(text, file);
}

// The message names the file and the key, never a value: the file is full of secrets.
function parseSecrets(text: string, file: string): Secrets {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new SecretError(`${file} is corrupt: not valid JSON`, file);
  }
  const parsed = secretsSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new SecretError(`${file} is corrupt: unexpected content${where}`, file);
  }
  return parsed.data;
}

/** Atomic and 0600, like session.json. */
export async function saveSecrets(dir: string, secrets: Secrets): Promise<void> {
  await writeFileAtomic(join(dir, SECRETS_FILE), JSON.stringify(secretsSchema.parse(secrets), null, 2) + '\n');
}

/**
 * The secret's value. A file's content loses one trailing newline (`echo pw > file`). Errors name the
 * variable or the file, never what was read.
 */
export function resolveSecret(ref: SecretRef, env: Readonly<Record<string, string | undefined>>): string {
  if (typeof ref === 'string') return ref;
  if ('env' in ref) {
    const value = env[ref.env];
    if (value === undefined) throw new SecretError(`environment variable ${ref.env} is not set`);
    return value;
  }
  const path = expandTilde(ref.file, env['HOME'] || homedir());
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (err) {
    throw new SecretError(`cannot read secret file ${path}: ${fsReason(err)}`, path);
  }
  return text.replace(/\r?\n$/, '');
}

/**
 * When an answers section gives a secret by reference (`<field>Env` or `<field>File`) that cannot be
 * resolved: the key that is set and why it cannot be used (variable not set, file unreadable).
 */
export function unusableSecretRef(
  section: string,
  field: string,
  values: object | undefined,
  env: Readonly<Record<string, string | undefined>>,
): {key: string; message: string} | null {
  const v = (values ?? {}) as Record<string, unknown>;
  const envName = v[`${field}Env`];
  const file = v[`${field}File`];
  const [key, ref]: [string, SecretRef] | [null, null] =
    typeof envName === 'string'
      ? [`${field}Env`, {env: envName}]
      : typeof file === 'string'
        ? [`${field}File`, {file}]
        : [null, null];
  if (key === null) return null;
  try {
    resolveSecret(ref, env);
    return null;
  } catch (err) {
    return {
      key: `${section}.${key}`,
      message: `${section}.${key}: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

/** The reference an answer gives with *Env / *File fields (env first). */
export function answerRef(env: string | undefined, file: string | undefined): SecretRef | undefined {
  if (env !== undefined) return {env};
  if (file !== undefined) return {file};
  return undefined;
}

// Lookups: a reference written in the answers wins over secrets.json, so that switching an answer from
// an inline password to passwordEnv takes effect even though the old value is still stored.

export function bmcSecretRef(secrets: Secrets, machine: Pick<Machine, 'hostname' | 'bmc'>): SecretRef | undefined {
  const bmc = machine.bmc;
  return (
    answerRef(bmc?.passwordEnv, bmc?.passwordFile) ??
    bmc?.password ??
    secrets.bmc.byHostname[machine.hostname] ??
    (bmc ? secrets.bmc.byIp[bmc.ip] : undefined)
  );
}

export function redfishSecretRef(secrets: Secrets, answers: Answers): SecretRef | undefined {
  const r = answers.discovery?.redfish;
  return answerRef(r?.passwordEnv, r?.passwordFile) ?? r?.password ?? secrets.redfishPassword;
}

export function adminTokenRef(secrets: Secrets, answers: Answers): SecretRef | undefined {
  const cp = answers.controlPlane;
  return answerRef(cp?.adminTokenEnv, cp?.adminTokenFile) ?? cp?.adminToken ?? secrets.kongAdminToken;
}

export function licenseRef(secrets: Secrets, answers: Answers): SecretRef | undefined {
  const cp = answers.controlPlane;
  return answerRef(undefined, cp?.licenseFile) ?? cp?.license ?? secrets.license;
}

export function cpDatabasePasswordRef(secrets: Secrets, answers: Answers): SecretRef | undefined {
  const db = answers.controlPlane?.deploy?.database;
  return answerRef(db?.passwordEnv, db?.passwordFile) ?? db?.password ?? secrets.cpDatabasePassword;
}

export function eksaLicenseTokenRef(secrets: Secrets, answers: Answers): SecretRef | undefined {
  const c = answers.cluster;
  return answerRef(c?.licenseTokenEnv, c?.licenseTokenFile) ?? c?.licenseToken ?? secrets.eksaLicenseToken;
}

/**
 * Every secret value that can be resolved now, for the runner's redaction list: from secrets.json and,
 * when given, from the answers' inline values and references. Unresolvable references are skipped
 * (they cannot leak what cannot be read). Longest first so that redaction replaces whole values.
 */
export function allSecretValues(
  secrets: Secrets,
  env: Readonly<Record<string, string | undefined>>,
  answers?: Answers,
): string[] {
  const refs: SecretRef[] = [
    ...Object.values(secrets.bmc.byHostname),
    ...Object.values(secrets.bmc.byIp),
    ...[
      secrets.redfishPassword,
      secrets.kongAdminToken,
      secrets.license,
      secrets.eksaLicenseToken,
      secrets.cpDatabasePassword,
    ].filter(r => r !== undefined),
  ];
  if (answers) {
    const r = answers.discovery?.redfish;
    const cp = answers.controlPlane;
    // Both references of a field: either may be the one in use.
    const more = [
      ...(answers.machines ?? []).flatMap(({bmc: b}) => [
        b?.password,
        answerRef(b?.passwordEnv, undefined),
        answerRef(undefined, b?.passwordFile),
      ]),
      r?.password,
      answerRef(r?.passwordEnv, undefined),
      answerRef(undefined, r?.passwordFile),
      cp?.adminToken,
      answerRef(cp?.adminTokenEnv, undefined),
      answerRef(undefined, cp?.adminTokenFile),
      cp?.license,
      answerRef(undefined, cp?.licenseFile),
      answers.cluster?.licenseToken,
      answerRef(answers.cluster?.licenseTokenEnv, undefined),
      answerRef(undefined, answers.cluster?.licenseTokenFile),
      cp?.deploy?.database?.password,
      answerRef(cp?.deploy?.database?.passwordEnv, undefined),
      answerRef(undefined, cp?.deploy?.database?.passwordFile),
    ];
    refs.push(...more.filter(x => x !== undefined));
  }
  const values = new Set<string>();
  for (const ref of refs) {
    try {
      const v = resolveSecret(ref, env);
      if (v !== '') values.add(v);
    } catch {
      // Unresolvable now: nothing to redact.
    }
  }
  return [...values].sort((a, b) => b.length - a.length);
}
