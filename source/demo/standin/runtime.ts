// The body of the demo's stand-in `eksctl`, `helm`, `docker`, `ip` and `kubectl` commands. installStandins() writes
// this function's source (Function.prototype.toString) into a CommonJS file next to tiny shims, so
// it must be self-contained: no imports, no references to anything outside its own body. Node
// modules come in through `d`; fetch and timers are globals. Demo sessions only.

export interface StandinDeps {
  fs: typeof import('node:fs');
  path: typeof import('node:path');
  /** The folder holding the shims and demo.json. */
  binDir: string;
  stdout: {write(s: string): unknown};
  stderr: {write(s: string): unknown};
  cwd: string;
  /** For kubectl, which hands every command but `version --client` to the real kubectl. */
  childProcess?: typeof import('node:child_process');
  /** Ends the process (the shim passes process.exit): used when the simulated world is gone. */
  exit?: (code: number) => void;
}

export async function standinMain(
  tool: string,
  argv: string[],
  env: Record<string, string | undefined>,
  d: StandinDeps,
): Promise<number> {
  const {fs, path} = d;
  let config: {transcriptsDir?: string; stateUrl?: string; speed?: number; worldGraceMs?: number} = {};
  try {
    config = JSON.parse(fs.readFileSync(path.join(d.binDir, 'demo.json'), 'utf8'));
  } catch {
    // No config file: everything comes from the environment.
  }
  const transcriptsDir = env['EKSA_KONG_DEMO_TRANSCRIPTS'] ?? config.transcriptsDir ?? '';
  let stateUrl = env['EKSA_KONG_DEMO_STATE_URL'] ?? config.stateUrl ?? '';
  const stateDir = env['EKSA_KONG_DEMO_DIR'] ?? d.binDir;
  const speed = Number(env['EKSA_KONG_DEMO_SPEED'] ?? config.speed ?? 1) || 1;
  const variant = env['EKSA_KONG_DEMO_VARIANT'] ?? '';

  const out = (s: string) => d.stdout.write(s);
  const err = (s: string) => d.stderr.write(s);
  const unsupported = () => {
    err('demo stand-in: unsupported arguments\n');
    return 2;
  };
  const sleep = (ms: number) => new Promise(r => setTimeout(r, Math.max(0, ms)));

  // A real eksctl outlives a killed wizard, and so does this one: `resume` finds it running. But it
  // lives in the simulated data center, and when that is gone for good (no demo world answers, the
  // demo session over) there is nothing left for it to create: it stops, leaving what a real eksctl
  // stopped mid-create leaves (the generated/ folder, a KinD kubeconfig), which resume reports as
  // leftovers. A resume restarts the world on new ports and rewrites demo.json: follow it there.
  if (stateUrl && d.exit) {
    const exit = d.exit;
    // How long the world may be unreachable (a resume restarting it) before this stops.
    const graceMs = Number(config.worldGraceMs ?? 15_000);
    let lastSeen = Date.now();
    const answers = async (url: string) => {
      try {
        await fetch(`${url}/healthz`, {signal: AbortSignal.timeout(2000)});
        return true;
      } catch {
        return false;
      }
    };
    const currentUrl = (): string => {
      try {
        const saved = JSON.parse(fs.readFileSync(path.join(d.binDir, 'demo.json'), 'utf8')) as {stateUrl?: string};
        return saved.stateUrl || stateUrl;
      } catch {
        return stateUrl;
      }
    };
    let checking = false;
    const watch = setInterval(() => {
      if (checking) return;
      checking = true;
      const url = currentUrl();
      void answers(url).then(up => {
        checking = false;
        if (up) {
          lastSeen = Date.now();
          stateUrl = url;
        } else if (Date.now() - lastSeen > graceMs) {
          clearInterval(watch);
          d.stderr.write(`demo stand-in ${tool}: the simulated data center is gone (demo session ended); stopping\n`);
          exit(137);
        }
      });
    }, 1000);
    watch.unref();
  }
  const call = async (route: string, body?: unknown): Promise<Record<string, unknown> | undefined> => {
    if (!stateUrl) return undefined;
    try {
      const r = await fetch(`${stateUrl}/__demo${route}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: {'content-type': 'application/json'},
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(5000),
      });
      return (await r.json()) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  };

  // --- argv helpers ---------------------------------------------------------------------------
  // As cobra's pflag parses (spf13/pflag flag.go, parseArgs): a bare `--` ends the flags and every
  // word after it is positional, even one starting with `-`. A flag that takes a value takes the
  // next word whatever it looks like, so a `--` right after such a flag is its value.
  const dashAt = (valued: string[]): number => {
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      if (a === '--') return i;
      if (a.startsWith('-') && !a.includes('=') && valued.includes(a)) i++;
    }
    return argv.length;
  };
  // Until a tool names its valued flags (docker's `-f` is a switch, helm's takes a value), all is flags.
  let flagArgv = argv;
  const endFlags = (valued: string[]) => (flagArgv = argv.slice(0, dashAt(valued)));
  const flag = (names: string[]): string | undefined => {
    for (let i = 0; i < flagArgv.length; i++) {
      const a = flagArgv[i]!;
      for (const n of names) {
        if (a === n) return argv[i + 1];
        if (a.startsWith(n + '=')) return a.slice(n.length + 1);
      }
    }
    return undefined;
  };
  const flags = (names: string[]): string[] => {
    const vals: string[] = [];
    for (let i = 0; i < flagArgv.length; i++) {
      for (const n of names) {
        if (flagArgv[i] === n && argv[i + 1] !== undefined) vals.push(argv[i + 1]!);
        else if (flagArgv[i]!.startsWith(n + '=')) vals.push(flagArgv[i]!.slice(n.length + 1));
      }
    }
    return vals;
  };
  const has = (name: string) => flagArgv.includes(name);
  // Positional words, skipping flags and the values of flags that take one; all words after `--`.
  const positionals = (valued: string[]): string[] => {
    const p: string[] = [];
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      if (a === '--') return [...p, ...argv.slice(i + 1)];
      if (a.startsWith('-')) {
        if (!a.includes('=') && valued.includes(a)) i++;
        continue;
      }
      p.push(a);
    }
    return p;
  };

  // --- transcripts ----------------------------------------------------------------------------
  // level: the logger verbosity a line is printed at (a `V<n>` column in the transcript; 0 when absent).
  type Line = {t: number; stream: 'out' | 'err'; text: string; level: number};
  const load = (base: string, vars: Record<string, string | string[]>): {lines: Line[]; exit: number} | undefined => {
    const candidates = variant ? [`${base}-${variant}.txt`, `${base}.txt`] : [`${base}.txt`];
    const file = candidates.map(c => path.join(transcriptsDir, c)).find(f => fs.existsSync(f));
    if (!file) return undefined;
    const lines: Line[] = [];
    let exit = 0;
    const fill = (s: string) =>
      s.replace(/\{\{(\w+)\}\}/g, (m, k: string) => {
        const v = vars[k];
        return v === undefined ? m : Array.isArray(v) ? v.join(' ') : v;
      });
    for (const raw of fs.readFileSync(file, 'utf8').split('\n')) {
      const line = raw.replace(/\r$/, '');
      const ex = /^#exit\s+(-?\d+)/.exec(line);
      if (ex) {
        exit = Number(ex[1]);
        continue;
      }
      if (line === '' || line.startsWith('#')) continue;
      const parts = line.split('\t');
      const t = Number(parts[0]);
      if (!Number.isFinite(t)) continue;
      const leveled = /^V(\d)$/.exec(parts[1] ?? '');
      if (leveled) parts.splice(1, 1);
      const level = leveled ? Number(leveled[1]) : 0;
      const three = parts.length >= 3 && (parts[1] === 'out' || parts[1] === 'err');
      const stream = three ? (parts[1] as 'out' | 'err') : 'out';
      const text = (three ? parts.slice(2) : parts.slice(1)).join('\t');
      // A line naming a list variable is repeated once per element.
      const listVar = Object.keys(vars).find(k => Array.isArray(vars[k]) && text.includes(`{{${k}}}`));
      if (listVar) {
        for (const v of vars[listVar] as string[])
          lines.push({t, stream, level, text: fill(text.split(`{{${listVar}}}`).join(v))});
      } else lines.push({t, stream, level, text: fill(text)});
    }
    return {lines, exit};
  };
  // eksctl's console logger (pkg/logger/init.go): a line prints when its level is at most -v; from -v 4
  // on, every logger line starts with an ISO8601 time and its V<n> level, tab-separated.
  let verbosity = 0;
  const logged = (text: string, level = 0) =>
    verbosity >= 4 ? `${new Date().toISOString()}\tV${level}\t${text}` : text;
  const replay = async (
    tr: {lines: Line[]; exit: number},
    onLine?: (l: Line) => Promise<void> | void,
  ): Promise<number> => {
    const start = Date.now();
    for (const l of tr.lines) {
      if (l.level > verbosity) continue;
      await sleep(start + (l.t * 1000) / speed - Date.now());
      if (l.stream === 'err') err(l.text + '\n');
      else out((l.level > 0 || verbosity >= 4 ? logged(l.text, l.level) : l.text) + '\n');
      if (onLine) await onLine(l);
    }
    return tr.exit;
  };
  const play = async (base: string, vars: Record<string, string | string[]> = {}): Promise<number> => {
    const tr = load(base, vars);
    if (!tr) {
      err(`demo stand-in: no transcript ${base}.txt\n`);
      return 2;
    }
    return replay(tr);
  };
  const kubeconfigYaml = (server: string, clusterName: string, user: string, context: string) =>
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- cluster:',
      `    server: ${server}`,
      ...(server.startsWith('http://') ? ['    insecure-skip-tls-verify: true'] : []),
      `  name: ${clusterName}`,
      'contexts:',
      '- context:',
      `    cluster: ${clusterName}`,
      `    user: ${user}`,
      `  name: ${context}`,
      `current-context: ${context}`,
      'preferences: {}',
      'users:',
      `- name: ${user}`,
      '  user: {}',
      '',
    ].join('\n');
  // As the wizard writes (session/home.ts; this body cannot import it): a private folder, a 0600 temp
  // file renamed over the name, never written through a link.
  const writePrivate = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(file), {recursive: true, mode: 0o700});
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
    fs.writeFileSync(tmp, text, {mode: 0o600, flag: 'wx'});
    fs.renameSync(tmp, file);
  };
  const kubeServer = (): string | undefined => {
    const file = flag(['--kubeconfig']) ?? (env['KUBECONFIG'] ?? '').split(':')[0];
    if (!file) return undefined;
    try {
      return /^\s*server:\s*(\S+)/m.exec(fs.readFileSync(path.resolve(d.cwd, file), 'utf8'))?.[1];
    } catch {
      return undefined;
    }
  };

  // --- eksctl -----------------------------------------------------------------------------------
  const eksctl = async (): Promise<number> => {
    if (argv[0] === 'version' && argv.length === 1) return play('eksctl-version');
    if (argv[0] !== 'anywhere') return eksctlEks();
    if (argv[1] === 'version' && argv.length === 2) return play('eksctl-version-anywhere');
    if (argv[1] === 'delete' && argv[2] === 'cluster') return eksctlDelete();
    if (argv[1] === 'generate' && argv[2] === 'package') return eksctlGeneratePackage();
    if (argv[1] === 'create' && argv[2] === 'packages') return eksctlCreatePackages();
    if (argv[1] === 'delete' && ['package', 'packages'].includes(argv[2] ?? '')) return eksctlDeletePackages();
    if (argv[1] !== 'create' || argv[2] !== 'cluster') return unsupported();
    const known = [
      '-f',
      '--filename',
      '-z',
      '--hardware-csv',
      '--tinkerbell-bootstrap-ip',
      '-v',
      '--verbosity',
      '--kubeconfig',
      '--install-packages',
      '--bundles-override',
      '--control-plane-wait-timeout',
      '--external-etcd-wait-timeout',
      '--per-machine-wait-timeout',
    ];
    const bare = ['--skip-ip-check', '--no-timeouts'];
    for (let i = 3; i < argv.length; i++) {
      const a = argv[i]!;
      const n = a.split('=')[0]!;
      if (known.includes(n)) {
        if (!a.includes('=')) i++;
      } else if (!bare.includes(a) && !/^-v\d+$/.test(a)) return unsupported();
    }
    // -v/--verbosity is an int flag (cmd/eksctl-anywhere/cmd/root.go); cobra refuses anything else.
    const v = flag(['-v', '--verbosity']) ?? /^-v(\d+)$/.exec(argv.find(a => /^-v\d+$/.test(a)) ?? '')?.[1];
    if (v !== undefined) {
      if (!/^[+-]?\d+$/.test(v)) {
        err(
          `Error: invalid argument "${v}" for "-v, --verbosity" flag: strconv.ParseInt: parsing "${v}": invalid syntax\n`,
        );
        return 255;
      }
      verbosity = Number(v);
    }
    const spec = flag(['-f', '--filename']);
    if (!spec) {
      err('Error: required flag(s) "filename" not set\n');
      return 255;
    }
    const specPath = path.resolve(d.cwd, spec);
    if (!fs.existsSync(specPath)) {
      err(`Error: the cluster config file ${spec} does not exist\n`);
      return 255;
    }
    const csv = flag(['-z', '--hardware-csv']);
    if (!csv && !flag(['--kubeconfig'])) {
      err('Error: required flag "hardware-csv" not set\n');
      return 255;
    }
    if (csv && !fs.existsSync(path.resolve(d.cwd, csv))) {
      err(`Error: hardware config file ${csv} does not exist\n`);
      return 255;
    }
    const specText = fs.readFileSync(specPath, 'utf8');
    const clusterDoc = specText.split(/^---\s*$/m).find(doc => /^kind:\s*Cluster\s*$/m.test(doc)) ?? '';
    const name = /^metadata:\s*\n(?:[ \t]+.*\n)*?[ \t]+name:\s*["']?([\w.-]+)/m.exec(clusterDoc)?.[1];
    if (!name) {
      err(`Error: the cluster config file provided is invalid: unable to find the Cluster object in ${spec}\n`);
      return 255;
    }
    const dir = path.join(d.cwd, name);
    const kubeconfigFile = path.join(dir, `${name}-eks-a-cluster.kubeconfig`);
    if (fs.existsSync(kubeconfigFile) && fs.statSync(kubeconfigFile).size > 0) {
      err(`Error: old cluster config file exists under ${name}, please use a different clusterName to proceed\n`);
      return 255;
    }
    const tr = load('eksctl-create-cluster', {
      name,
      clusterName: name,
      bootstrapIp: flag(['--tinkerbell-bootstrap-ip']) ?? '',
    });
    if (!tr) {
      err('demo stand-in: no transcript eksctl-create-cluster.txt\n');
      return 2;
    }
    const info = await call('/event', {
      tool: 'eksctl',
      event: 'start',
      clusterName: name,
      clusterSpec: specText,
      hardwareCsv: csv ? fs.readFileSync(path.resolve(d.cwd, csv), 'utf8') : '',
      skipIpCheck: argv.includes('--skip-ip-check'),
      workload: flag(['--kubeconfig']) !== undefined,
      timeline: tr.lines.map(l => ({t: l.t / speed, text: l.text, level: l.level})),
    });
    if (info?.['error']) {
      // What eksctl prints before it refuses (validation results), then its error.
      for (const line of (info['lines'] ?? []) as string[]) out(`${logged(line)}\n`);
      err(`Error: ${String(info['error'])}\n`);
      return 255;
    }
    const urls = (info?.['clusters'] ?? {}) as {bootstrap?: string; workload?: string};
    const generated = path.join(dir, 'generated');
    fs.mkdirSync(generated, {recursive: true, mode: 0o700});
    let wroteKubeconfig = false;
    const writeWorkloadKubeconfig = () => {
      if (wroteKubeconfig) return;
      wroteKubeconfig = true;
      writePrivate(
        kubeconfigFile,
        kubeconfigYaml(urls.workload ?? 'https://127.0.0.1:6443', name, `${name}-admin`, `${name}-admin@${name}`),
      );
    };
    const code = await replay(tr, async l => {
      await call('/event', {tool: 'eksctl', event: 'line', clusterName: name, text: l.text});
      if (/Creating new bootstrap cluster/.test(l.text)) {
        const kind = `${name}-eks-a-cluster`;
        writePrivate(
          path.join(generated, `${name}.kind.kubeconfig`),
          kubeconfigYaml(urls.bootstrap ?? 'https://127.0.0.1:6443', `kind-${kind}`, `kind-${kind}`, `kind-${kind}`),
        );
      }
      // eksctl writes the kubeconfig once the new cluster is up, before it moves management to it.
      if (/Creating EKS-A namespace|Writing cluster config file/.test(l.text)) writeWorkloadKubeconfig();
      if (/Writing cluster config file/.test(l.text))
        writePrivate(path.join(dir, `${name}-eks-a-cluster.yaml`), specText);
    });
    if (code === 0) {
      writeWorkloadKubeconfig();
      fs.rmSync(generated, {recursive: true, force: true});
    }
    await call('/event', {tool: 'eksctl', event: 'exit', clusterName: name, code});
    return code;
  };

  // --- eksctl for EKS (the Kong control plane's cluster in AWS, issue 10) --------------------------
  // Flags as cobra parses them (an unknown one: "Error: unknown flag: --x"); the name, region and version
  // rules are eksctl's (pkg/apis/eksctl.io/v1alpha5 validation.go ErrInvalidName, pkg/ctl/cmdutils
  // ErrUnsupportedRegion, "invalid version, supported values: ..."), checked by the world so that its
  // lists are the product's. Logs carry eksctl's timestamp prefix.
  const eksStamp = () =>
    new Date()
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, '');
  const eksFlags = (from: number, valued: string[], bare: string[]): string | undefined => {
    for (let i = from; i < argv.length; i++) {
      const a = argv[i]!;
      const n = a.split('=')[0]!;
      if (valued.includes(n)) {
        if (!a.includes('=')) i++;
      } else if (!bare.includes(a)) return n;
    }
    return undefined;
  };
  const eksctlEks = async (): Promise<number> => {
    if (argv[0] === 'get' && argv[1] === 'cluster') {
      const unknown = eksFlags(2, ['--name', '-n', '--region', '-r', '--output', '-o'], []);
      if (unknown) {
        err(`Error: unknown flag: ${unknown}\n`);
        return 1;
      }
      const name = flag(['--name', '-n']) ?? '';
      const region = flag(['--region', '-r']) ?? env['AWS_REGION'] ?? '';
      const r = await call('/eks-get', {name, region});
      if (!r) {
        err(
          'Error: checking AWS STS access – cannot get role ARN for current session: the demo world does not answer\n',
        );
        return 1;
      }
      if (r['error']) {
        err(`Error: ${String(r['error'])}\n`);
        return 1;
      }
      if (r['absent']) {
        err(
          `Error: unable to describe cluster control plane: operation error EKS: DescribeCluster, https response error StatusCode: 404, RequestID: 5f1e9c3a-0d2b-4c8e-9a71-2b6d0e4f7a10, ResourceNotFoundException: No cluster found for name: ${name}.\n`,
        );
        return 1;
      }
      out(
        JSON.stringify(
          [
            {
              Name: name,
              Arn: `arn:aws:eks:${region}:111122223333:cluster/${name}`,
              Version: r['version'],
              Status: r['status'],
              Endpoint: 'https://0123456789ABCDEF.gr7.' + region + '.eks.amazonaws.com',
            },
          ],
          null,
          4,
        ) + '\n',
      );
      return 0;
    }
    const writeEksKubeconfig = (file: string, name: string, region: string, server: string) =>
      writePrivate(
        path.resolve(d.cwd, file),
        kubeconfigYaml(
          server,
          `${name}.${region}.eksctl.io`,
          `eksa-kong-demo@${name}.${region}.eksctl.io`,
          `eksa-kong-demo@${name}.${region}.eksctl.io`,
        ),
      );
    if (argv[0] === 'utils' && argv[1] === 'write-kubeconfig') {
      const unknown = eksFlags(2, ['--cluster', '-c', '--region', '-r', '--kubeconfig'], []);
      if (unknown) {
        err(`Error: unknown flag: ${unknown}\n`);
        return 1;
      }
      const name = flag(['--cluster', '-c']) ?? '';
      const region = flag(['--region', '-r']) ?? '';
      const r = await call('/eks-get', {name, region});
      if (!r || r['absent'] || r['status'] !== 'ACTIVE') {
        err(
          `Error: unable to describe cluster control plane: ResourceNotFoundException: No cluster found for name: ${name}.\n`,
        );
        return 1;
      }
      const file = flag(['--kubeconfig']) ?? path.join(env['HOME'] ?? d.cwd, '.kube', 'config');
      writeEksKubeconfig(file, name, region, String(r['server']));
      err(`${eksStamp()} [✔]  saved kubeconfig as "${file}"\n`);
      return 0;
    }
    // eksctl delete cluster --name N --region R [--wait] (pkg/ctl/delete/cluster.go): the cluster must
    // exist in that region; DescribeCluster's 404 otherwise, as for get.
    if (argv[0] === 'delete' && argv[1] === 'cluster') {
      const unknown = eksFlags(2, ['--name', '-n', '--region', '-r'], ['--wait', '-w', '--force']);
      if (unknown) {
        err(`Error: unknown flag: ${unknown}\n`);
        return 1;
      }
      const name = flag(['--name', '-n']) ?? '';
      if (!name) {
        err('Error: --name must be set\n');
        return 1;
      }
      const region = flag(['--region', '-r']) ?? env['AWS_REGION'] ?? '';
      const r = await call('/eks-delete', {name, region});
      if (!r) {
        err(
          'Error: checking AWS STS access – cannot get role ARN for current session: the demo world does not answer\n',
        );
        return 1;
      }
      if (r['absent']) {
        err(
          `Error: unable to describe cluster control plane: operation error EKS: DescribeCluster, https response error StatusCode: 404, RequestID: 5f1e9c3a-0d2b-4c8e-9a71-2b6d0e4f7a10, ResourceNotFoundException: No cluster found for name: ${name}.\n`,
        );
        return 1;
      }
      err(`${eksStamp()} [ℹ]  deleting EKS cluster "${name}"\n`);
      err(`${eksStamp()} [ℹ]  will delete stack "eksctl-${name}-nodegroup-ng-${name}"\n`);
      err(`${eksStamp()} [ℹ]  will delete stack "eksctl-${name}-cluster"\n`);
      err(`${eksStamp()} [✔]  all cluster resources were deleted\n`);
      return 0;
    }
    if (argv[0] !== 'create' || argv[1] !== 'cluster') return unsupported();
    const unknown = eksFlags(
      2,
      [
        '--name',
        '-n',
        '--region',
        '-r',
        '--version',
        '--nodegroup-name',
        '--node-type',
        '-t',
        '--nodes',
        '-N',
        '--kubeconfig',
      ],
      ['--managed'],
    );
    if (unknown) {
      err(`Error: unknown flag: ${unknown}\n`);
      return 1;
    }
    const name = flag(['--name', '-n']) ?? '';
    const region = flag(['--region', '-r']) ?? '';
    const version = flag(['--version']) ?? '1.33';
    const nodes = flag(['--nodes', '-N']) ?? '2';
    const nodegroup = flag(['--nodegroup-name']) ?? `ng-${name}`;
    const kubeconfig = flag(['--kubeconfig']) ?? path.join(env['HOME'] ?? d.cwd, '.kube', 'config');
    const tr = load('eksctl-create-eks-cluster', {name, region, version, nodes, nodegroup, kubeconfig});
    if (!tr) {
      err('demo stand-in: no transcript eksctl-create-eks-cluster.txt\n');
      return 2;
    }
    const seconds = tr.lines.length ? tr.lines[tr.lines.length - 1]!.t : 0;
    const r = await call('/eks-create', {name, region, version, nodes: Number(nodes), seconds});
    if (!r) {
      err('Error: checking AWS STS access – cannot get role ARN for current session: the demo world does not answer\n');
      return 1;
    }
    if (r['error']) {
      for (const line of (r['lines'] ?? []) as string[]) err(`${eksStamp()} ${line}\n`);
      err(`Error: ${String(r['error'])}\n`);
      return 1;
    }
    const start = Date.now();
    for (const l of tr.lines) {
      await sleep(start + (l.t * 1000) / speed - Date.now());
      (l.stream === 'err' ? err : out)(`${eksStamp()} ${l.text}\n`);
      if (/saved kubeconfig as/.test(l.text)) writeEksKubeconfig(kubeconfig, name, region, String(r['server']));
    }
    await call('/eks-exit', {name, code: tr.exit});
    return tr.exit;
  };

  // --- aws (the AWS CLI): the credentials check the wizard makes before eksctl ----------------------
  const aws = async (): Promise<number> => {
    if (argv.length === 1 && argv[0] === '--version') {
      out('aws-cli/2.22.35 Python/3.12.6 Linux/6.8.0-49-generic exe/x86_64.ubuntu.24\n');
      return 0;
    }
    if (argv[0] === 'sts' && argv[1] === 'get-caller-identity') {
      out(
        JSON.stringify(
          {
            UserId: 'AIDAEXAMPLEDEMOUSER01',
            Account: '111122223333',
            Arn: 'arn:aws:iam::111122223333:user/eksa-kong-demo',
          },
          null,
          4,
        ) + '\n',
      );
      return 0;
    }
    err(
      `usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\naws: error: argument command: Invalid choice\n`,
    );
    return 252;
  };

  // eksctl anywhere delete cluster (<name> | -f <file>) [-w <kubeconfig>]: cmd/eksctl-anywhere/cmd/deletecluster.go
  // validates the config file and the cluster's kubeconfig before touching anything.
  const eksctlDelete = async (): Promise<number> => {
    const known = ['-f', '--filename', '-w', '--w-config', '--kubeconfig', '--bundles-override', '-v', '--verbosity'];
    const words: string[] = [];
    for (let i = 3; i < argv.length; i++) {
      const a = argv[i]!;
      const n = a.split('=')[0]!;
      if (known.includes(n)) {
        if (!a.includes('=')) i++;
      } else if (a.startsWith('-')) {
        err(`Error: unknown flag: ${n}\n`);
        return 255;
      } else words.push(a);
    }
    let spec = flag(['-f', '--filename']);
    if (!spec) {
      const name = words[0];
      if (!name) {
        err('Error: please provide either a valid <cluster-name> or -f <config-file>\n');
        return 255;
      }
      spec = `${name}/${name}-eks-a-cluster.yaml`;
      if (!fs.existsSync(path.resolve(d.cwd, spec))) {
        err(
          `Error: clusterconfig file ${spec} for cluster: ${name} not found, please provide the clusterconfig path manually using -f <config-file>\n`,
        );
        return 255;
      }
    }
    const specPath = path.resolve(d.cwd, spec);
    if (!fs.existsSync(specPath)) {
      err(`Error: the cluster config file ${spec} does not exist\n`);
      return 255;
    }
    const clusterDoc =
      fs
        .readFileSync(specPath, 'utf8')
        .split(/^---\s*$/m)
        .find(doc => /^kind:\s*Cluster\s*$/m.test(doc)) ?? '';
    const name = /^metadata:\s*\n(?:[ \t]+.*\n)*?[ \t]+name:\s*["']?([\w.-]+)/m.exec(clusterDoc)?.[1];
    if (!name) {
      err(`Error: the cluster config file provided is invalid: unable to find the Cluster object in ${spec}\n`);
      return 255;
    }
    const kubeconfig = flag(['-w', '--w-config']) ?? `${name}/${name}-eks-a-cluster.kubeconfig`;
    const kubeconfigPath = path.resolve(d.cwd, kubeconfig);
    if (!fs.existsSync(kubeconfigPath) || fs.statSync(kubeconfigPath).size === 0) {
      err(`Error: kubeconfig file missing: path=${kubeconfig}\n`);
      return 255;
    }
    const r = await call('/eksctl-delete', {clusterName: name});
    if (!r) {
      err('Error: failed to delete cluster: the demo world does not answer\n');
      return 255;
    }
    if (r['error']) {
      err(`Error: failed to delete cluster: ${String(r['error'])}\n`);
      return 255;
    }
    return play('eksctl-delete-cluster', {name, clusterName: name});
  };

  // Flags of the curated-package commands (cmd/eksctl-anywhere/cmd/generatepackage.go and
  // createpackages.go): anything else is cobra's unknown flag.
  const packageWords = (known: string[]): {words: string[]; bad?: string} => {
    const words: string[] = [];
    for (let i = 3; i < argv.length; i++) {
      const a = argv[i]!;
      const n = a.split('=')[0]!;
      if (known.includes(n)) {
        if (!a.includes('=')) i++;
      } else if (a.startsWith('-')) return {words, bad: n};
      else words.push(a);
    }
    return {words};
  };

  // eksctl anywhere generate package <name> --cluster <cluster>: the Package to edit, on stdout.
  const eksctlGeneratePackage = async (): Promise<number> => {
    const {words, bad} = packageWords(['--cluster', '--kubeconfig', '--bundles-override', '-v', '--verbosity']);
    if (bad) {
      err(`Error: unknown flag: ${bad}\n`);
      return 255;
    }
    if (words.length < 1) {
      err('Error: requires at least 1 arg(s), only received 0\n');
      return 255;
    }
    const cluster = flag(['--cluster']);
    if (!cluster) {
      err('Error: required flag(s) "cluster" not set\n');
      return 255;
    }
    if (!kubeServer()) {
      err('Error: kubeconfig not set: use --kubeconfig or KUBECONFIG\n');
      return 255;
    }
    // The demo bundle carries metallb only (the stand-in's wording for any other name).
    const unknown = words.find(w => w !== 'metallb');
    if (unknown) {
      err(`Error: package ${unknown} not found in the active bundle\n`);
      return 255;
    }
    out(
      [
        'apiVersion: packages.eks.amazonaws.com/v1alpha1',
        'kind: Package',
        'metadata:',
        '  name: generated-metallb',
        `  namespace: eksa-packages-${cluster}`,
        'spec:',
        '  packageName: metallb',
        '  targetNamespace: metallb-system',
        '',
      ].join('\n'),
    );
    return 0;
  };

  // eksctl anywhere create packages -f <file>: creates the file's Package objects on the cluster.
  const eksctlCreatePackages = async (): Promise<number> => {
    const {words, bad} = packageWords(['-f', '--filename', '--kubeconfig', '--bundles-override', '-v', '--verbosity']);
    if (bad) {
      err(`Error: unknown flag: ${bad}\n`);
      return 255;
    }
    if (words.length > 0) {
      err(`Error: unknown command "${words[0]}" for "anywhere create packages"\n`);
      return 255;
    }
    const file = flag(['-f', '--filename']);
    if (!file) {
      err('Error: required flag(s) "filename" not set\n');
      return 255;
    }
    let text: string;
    try {
      text = fs.readFileSync(path.resolve(d.cwd, file), 'utf8');
    } catch {
      err(`Error: open ${file}: no such file or directory\n`);
      return 255;
    }
    const server = kubeServer();
    if (!server) {
      err('Error: kubeconfig not set: use --kubeconfig or KUBECONFIG\n');
      return 255;
    }
    const r = await call('/packages-create', {server, yaml: text});
    if (!r) {
      err('Error: the demo world does not answer\n');
      return 255;
    }
    if (r['error']) {
      err(`Error: creating package: ${String(r['error'])}\n`);
      return 255;
    }
    for (const name of (r['created'] ?? []) as string[]) out(`package.packages.eks.amazonaws.com/${name} created\n`);
    return 0;
  };

  // eksctl anywhere delete packages NAME... --cluster C (cmd/eksctl-anywhere/cmd/deletepackages.go:
  // --cluster required, at least one name; it runs kubectl delete packages in eksa-packages-C).
  const eksctlDeletePackages = async (): Promise<number> => {
    const {words, bad} = packageWords(['--cluster', '--kubeconfig', '--bundles-override', '-v', '--verbosity']);
    if (bad) {
      err(`Error: unknown flag: ${bad}\n`);
      return 255;
    }
    const cluster = flag(['--cluster']);
    if (!cluster) {
      err('Error: required flag(s) "cluster" not set\n');
      return 255;
    }
    if (words.length < 1) {
      err('Error: requires at least 1 arg(s), only received 0\n');
      return 255;
    }
    const server = kubeServer();
    if (!server) {
      err('Error: kubeconfig not set: use --kubeconfig or KUBECONFIG\n');
      return 255;
    }
    const r = await call('/packages-delete', {server, cluster, names: words});
    if (!r) {
      err('Error: the demo world does not answer\n');
      return 255;
    }
    for (const name of (r['deleted'] ?? []) as string[]) out(`package.packages.eks.amazonaws.com "${name}" deleted\n`);
    if (r['error']) {
      err(`${String(r['error'])}\nError: executing kubectl: exit status 1\n`);
      return 255;
    }
    return 0;
  };

  // --- helm -------------------------------------------------------------------------------------
  const reposFile = path.join(stateDir, 'helm-repositories.json');
  const readRepos = (): Array<{name: string; url: string}> => {
    try {
      return JSON.parse(fs.readFileSync(reposFile, 'utf8'));
    } catch {
      return [];
    }
  };
  const helmValued = [
    '-n',
    '--namespace',
    '-f',
    '--values',
    '--set',
    '--set-string',
    '--version',
    '--timeout',
    '--kubeconfig',
    '--kube-context',
    '-o',
    '--output',
    '--template',
  ];
  // helm's chartutil.ValidateReleaseName: a DNS-1123 subdomain of at most 53 characters. Each action
  // words the refusal its own way (helm v3 pkg/action: uninstall.go, rollback.go, upgrade.go, history.go).
  const releaseRe = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
  const badRelease = (name: string, message: string): number | undefined => {
    if (name.length <= 53 && new RegExp(releaseRe).test(name)) return undefined;
    err(`Error: ${message}\n`);
    return 1;
  };
  const helm = async (): Promise<number> => {
    endFlags(helmValued);
    const pos = positionals(helmValued);
    if (pos[0] === 'version' && pos.length === 1) {
      return play(has('--short') ? 'helm-version-short' : 'helm-version');
    }
    if (pos[0] === 'repo' && pos[1] === 'add' && pos.length === 4) {
      const repos = readRepos();
      const found = repos.find(r => r.name === pos[2]);
      if (found && found.url !== pos[3] && !has('--force-update')) {
        err(`Error: repository name (${pos[2]}) already exists, please specify a different name\n`);
        return 1;
      }
      if (!found) {
        repos.push({name: pos[2]!, url: pos[3]!});
        writePrivate(reposFile, JSON.stringify(repos));
      }
      return play(found ? 'helm-repo-add-exists' : 'helm-repo-add', {repoName: pos[2]!, repoUrl: pos[3]!});
    }
    if (pos[0] === 'repo' && pos[1] === 'update') {
      const repos = readRepos().filter(r => pos.length === 2 || pos.slice(2).includes(r.name));
      if (repos.length === 0) {
        err('Error: no repositories found. You must add one before updating\n');
        return 1;
      }
      return play('helm-repo-update', {repo: repos.map(r => r.name)});
    }
    if (pos[0] === 'uninstall' && pos.length === 2) {
      const release = pos[1]!;
      const bad = badRelease(release, `uninstall: Release name is invalid: ${release}`);
      if (bad !== undefined) return bad;
      const r = await call('/helm-uninstall', {
        server: kubeServer(),
        release,
        namespace: flag(['-n', '--namespace']) ?? 'default',
      });
      if (!r) {
        err('Error: Kubernetes cluster unreachable: the demo world does not answer\n');
        return 1;
      }
      if (r['error']) {
        err(`Error: ${String(r['error'])}\n`);
        return 1;
      }
      return play('helm-uninstall', {release});
    }
    if (pos[0] === 'rollback' && pos.length === 3) {
      const [release, revision] = [pos[1]!, pos[2]!];
      const bad = badRelease(release, `prepareRollback: Release name is invalid: ${release}`);
      if (bad !== undefined) return bad;
      if (!/^\d+$/.test(revision)) {
        err(`Error: invalid revision "${revision}"\n`);
        return 1;
      }
      const namespace = flag(['-n', '--namespace']) ?? 'default';
      const r = await call('/helm-rollback', {server: kubeServer(), release, namespace, revision: Number(revision)});
      if (!r) {
        err('Error: Kubernetes cluster unreachable: the demo world does not answer\n');
        return 1;
      }
      if (r['error']) {
        err(`Error: ${String(r['error'])}\n`);
        return 1;
      }
      if (has('--wait')) {
        const deadline = Date.now() + 300000;
        while (!(await call('/helm-status', {server: kubeServer(), release, namespace}))?.['ready']) {
          if (Date.now() > deadline) {
            err('Error: context deadline exceeded\n');
            return 1;
          }
          await sleep(200);
        }
      }
      return play('helm-rollback', {release});
    }
    const upgradeOnly = pos[0] === 'upgrade' && !has('--install');
    const upgrade = pos[0] === 'upgrade';
    if ((upgrade || pos[0] === 'install') && pos.length === 3) {
      const [release, chart] = [pos[1]!, pos[2]!];
      // upgrade --install asks the release history first; install and plain upgrade check in their action.
      const bad = badRelease(
        release,
        !upgrade
          ? `release name "${release}": invalid release name, must match regex ${releaseRe} and the length must not be longer than 53`
          : upgradeOnly
            ? `upgradeRelease: Release name is invalid: ${release}`
            : `release name is invalid: ${release}`,
      );
      if (bad !== undefined) return bad;
      const repo = chart.includes('/') && !chart.startsWith('.') && !chart.startsWith('/') ? chart.split('/')[0]! : '';
      if (repo && !readRepos().some(r => r.name === repo)) {
        err(`Error: ${upgrade ? 'UPGRADE FAILED' : 'INSTALLATION FAILED'}: repo ${repo} not found\n`);
        return 1;
      }
      // Like helm with no kubeconfig at all: client-go falls back to localhost:8080 and is refused.
      if (!kubeServer()) {
        err(
          'Error: Kubernetes cluster unreachable: Get "http://localhost:8080/version": dial tcp 127.0.0.1:8080: connect: connection refused\n',
        );
        return 1;
      }
      const namespace = flag(['-n', '--namespace']) ?? 'default';
      const valuesFiles: string[] = [];
      for (const f of flags(['-f', '--values'])) {
        try {
          valuesFiles.push(fs.readFileSync(path.resolve(d.cwd, f), 'utf8'));
        } catch {
          err(`Error: open ${f}: no such file or directory\n`);
          return 1;
        }
      }
      const r = await call('/helm-install', {
        server: kubeServer(),
        release,
        chart,
        namespace,
        createNamespace: has('--create-namespace'),
        install: !upgrade,
        upgradeOnly,
        valuesFiles,
        set: flags(['--set', '--set-string']),
        version: flag(['--version']) ?? '',
      });
      if (!r) {
        err('Error: Kubernetes cluster unreachable: the demo world does not answer\n');
        return 1;
      }
      if (r['error']) {
        err(`Error: ${String(r['error'])}\n`);
        return 1;
      }
      if (has('--wait')) {
        const t = /^(\d+)(s|m)$/.exec(flag(['--timeout']) ?? '5m');
        const deadline = Date.now() + (t ? Number(t[1]) * (t[2] === 'm' ? 60000 : 1000) : 300000);
        for (;;) {
          const s = await call('/helm-status', {server: kubeServer(), release, namespace});
          if (s?.['ready']) break;
          if (Date.now() > deadline) {
            err('Error: UPGRADE FAILED: context deadline exceeded\n');
            return 1;
          }
          await sleep(200);
        }
      }
      const date = new Date()
        .toString()
        .replace(
          /^(\w+) (\w+) (\d+) (\d+) ([\d:]+).*$/,
          (_m, a, b, c, y, t) => `${a} ${b} ${String(c).padStart(2, ' ')} ${t} ${y}`,
        );
      const vars = {
        release,
        namespace,
        chart,
        revision: String(r['revision'] ?? 1),
        date,
        proxyService: `${release}-kong-proxy`,
      };
      return play(
        r['firstInstall'] ? (upgrade ? 'helm-upgrade-install' : 'helm-install') : 'helm-upgrade-upgraded',
        vars,
      );
    }
    return unsupported();
  };

  // --- docker -----------------------------------------------------------------------------------
  const docker = async (): Promise<number> => {
    if (argv[0] === 'version') {
      const format = flag(['--format', '-f']);
      if (format === undefined && argv.length === 1) return play('docker-version');
      if (format === '{{.Server.Version}}') return play('docker-version-server');
      if (format === '{{.Client.Version}}') return play('docker-version-client');
      if (format === 'json' || format === '{{json .}}') return play('docker-version-json');
      return unsupported();
    }
    if (argv[0] === 'ps') {
      const format = flag(['--format']);
      const all = has('-a') || has('--all');
      const filters = flags(['--filter', '-f']);
      for (const a of argv.slice(1))
        if (
          a.startsWith('-') &&
          !['-a', '--all', '--format', '--filter', '-f', '--no-trunc', '-q', '--quiet'].includes(a.split('=')[0]!)
        )
          return unsupported();
      const r = await call('/docker/containers');
      let list = ((r?.['containers'] ?? []) as Array<Record<string, string>>).filter(
        c => all || c['State'] === 'running',
      );
      for (const f of filters) {
        const [k, v = ''] = f.split('=');
        if (k === 'name') list = list.filter(c => c['Names']!.includes(v));
        else if (k === 'status') list = list.filter(c => c['State'] === v);
      }
      if (has('-q') || has('--quiet')) {
        for (const c of list) out(c['ID']!.slice(0, 12) + '\n');
      } else if (format === 'json' || format === '{{json .}}') {
        for (const c of list) out(JSON.stringify(c) + '\n');
      } else if (format === undefined || format === 'table') {
        const rows = [
          ['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'],
          ...list.map(c => [
            c['ID']!.slice(0, 12),
            c['Image']!,
            c['Command']!,
            c['RunningFor']!,
            c['Status']!,
            c['Ports']!,
            c['Names']!,
          ]),
        ];
        const widths = rows[0]!.map((_, i) => Math.max(...rows.map(row => row[i]!.length)));
        for (const row of rows)
          out(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]! + 3))).join('') + '\n');
      } else return unsupported();
      return 0;
    }
    if (argv[0] === 'rm') {
      const names = argv.slice(1).filter(a => !a.startsWith('-'));
      if (names.length === 0 || argv.slice(1).some(a => a.startsWith('-') && !['-f', '--force'].includes(a)))
        return unsupported();
      const r = await call('/docker/rm', {names, force: has('-f') || has('--force')});
      let code = 0;
      const removed = (r?.['removed'] ?? []) as string[];
      for (const n of names) {
        if (removed.includes(n)) out(n + '\n');
        else {
          err(`Error response from daemon: No such container: ${n}\n`);
          code = 1;
        }
      }
      return code;
    }
    return unsupported();
  };

  // --- ip: the simulated admin server's interfaces and neighbour table (JSON output only) ------------
  const ip = async (): Promise<number> => {
    const words = argv.filter(a => a !== '-j' && a !== '-json' && a !== '--json');
    if (words.length === argv.length) return unsupported();
    if (words.length === 1 && /^a(ddr(ess)?)?$/.test(words[0]!)) return play('ip-addr');
    if (words.length === 1 && /^n(eigh(bour)?)?$/.test(words[0]!)) return play('ip-neigh');
    return unsupported();
  };

  // --- ss: the simulated admin server's listening sockets (preflight asks who holds a port) -------
  // Only the form preflight runs, `ss -lntup`, with its flags in any order or split (as ss's getopt takes them).
  const ss = async (): Promise<number> => {
    const flags = argv.every(a => /^-[lntup]+$/.test(a)) ? [...new Set(argv.join('').replace(/-/g, ''))].sort() : [];
    return flags.join('') === 'lnptu' ? play('ss-lntup') : unsupported();
  };

  // --- kubectl: the simulated admin server's kubectl ---------------------------------------------
  // `kubectl version --client` names the simulated admin server's kubectl (not this machine's); every
  // other command goes to the real kubectl, the first one on PATH after the stand-ins, which talks to
  // the simulated clusters' Kubernetes APIs.
  const kubectl = async (): Promise<number> => {
    if (argv[0] === 'version' && argv.includes('--client')) {
      const o = argv.indexOf('-o');
      const format = o >= 0 ? argv[o + 1] : (argv.find(a => a.startsWith('--output='))?.slice(9) ?? '');
      if (format === 'json') return play('kubectl-version-client-json');
      if (format === '') return play('kubectl-version-client');
      return unsupported();
    }
    const self = path.resolve(d.binDir);
    const real = (env['PATH'] ?? '')
      .split(path.delimiter)
      .filter(dir => dir && path.resolve(dir) !== self)
      .map(dir => path.join(dir, 'kubectl'))
      .find(file => {
        try {
          fs.accessSync(file, fs.constants.X_OK);
          return true;
        } catch {
          return false;
        }
      });
    if (!real || !d.childProcess) {
      err('demo stand-in: no kubectl on PATH after the stand-ins (the demo uses the real kubectl)\n');
      return 127;
    }
    const spawn = d.childProcess.spawn;
    return new Promise<number>(resolve => {
      const child = spawn(real, argv, {stdio: 'inherit', env, cwd: d.cwd});
      child.on('error', e => {
        err(`kubectl: ${e.message}\n`);
        resolve(127);
      });
      child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGKILL' ? 137 : 143)));
    });
  };

  if (tool === 'eksctl') return eksctl();
  if (tool === 'kubectl') return kubectl();
  if (tool === 'aws') return aws();
  if (tool === 'ip') return ip();
  if (tool === 'helm') return helm();
  if (tool === 'docker') return docker();
  if (tool === 'ss') return ss();
  return unsupported();
}
