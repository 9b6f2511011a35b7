// What the bootstrap (KinD) cluster shows while `eksctl anywhere create cluster` provisions bare
// metal: Hardware and Rufio Machines from "Provider specific post-setup", then per machine a Rufio
// Job (power off, one-time PXE boot, power on), a Tinkerbell Workflow running the default Ubuntu
// actions, and a CAPI Machine going Provisioning -> Provisioned -> Running while its Node appears on
// the new cluster. Timing is recorded seconds, fitted into the transcript's "Creating new management
// cluster" window and scaled by speed.
// Every step first looks at what the store already holds, so a world restarted after a kill -9 runs
// the same scenario again and it carries on from where the objects are, creating nothing twice.
import type {FakeKubeStore, KubeObject} from '../fake-kube-api.js';
import {runScenario, stamp, suffix, type ScenarioHandle, type ScenarioOptions, type Wait} from './timeline.js';
import {systemClock} from '../../ports.js';

export interface DemoMachine {
  hostname: string;
  mac: string;
  bmcIp: string;
  ip?: string;
  role?: 'cp' | 'worker';
  disk?: string;
}

export interface BootstrapProvisioningOptions extends ScenarioOptions {
  machines: DemoMachine[];
  clusterName?: string;
  namespace?: string;
  /** e.g. "1.35": the nodes' kubelet version. */
  kubernetesVersion?: string;
  /** The new cluster's store: Nodes appear there. */
  workload?: FakeKubeStore;
  /** Provisioning (jobs, workflows, CAPI machines) waits for this, e.g. eksctl reaching "Creating new management cluster". */
  gate?: Promise<void>;
  /** Recorded seconds available for provisioning (the transcript's window); the plan is squeezed into it. */
  windowSeconds?: number;
}

/** The Tinkerbell actions of EKS-A's default Ubuntu template, with recorded durations in seconds. */
export const UBUNTU_ACTIONS: ReadonlyArray<{name: string; image: string; seconds: number}> = [
  {name: 'stream-image', image: 'public.ecr.aws/eks-anywhere/tinkerbell/hub/image2disk', seconds: 360},
  {name: 'write-netplan', image: 'public.ecr.aws/eks-anywhere/tinkerbell/hub/writefile', seconds: 10},
  {
    name: 'disable-cloud-init-network-capabilities',
    image: 'public.ecr.aws/eks-anywhere/tinkerbell/hub/writefile',
    seconds: 5,
  },
  {name: 'add-tink-cloud-init-config', image: 'public.ecr.aws/eks-anywhere/tinkerbell/hub/writefile', seconds: 5},
  {name: 'add-tink-cloud-init-ds-config', image: 'public.ecr.aws/eks-anywhere/tinkerbell/hub/writefile', seconds: 5},
  {name: 'reboot-image', image: 'public.ecr.aws/eks-anywhere/tinkerbell/hub/reboot', seconds: 5},
];

/** Recorded length of one machine's provisioning, PXE to Ready node. Two waves (CP, then workers). */
const PER_MACHINE_SECONDS = 660;
const PLAN_SECONDS = 2 * PER_MACHINE_SECONDS + 80;

const BMC = 'bmc.tinkerbell.org/v1alpha1';
const TINK = 'tinkerbell.org/v1alpha1';
const CAPI = 'cluster.x-k8s.io/v1beta1';

export function bootstrapProvisioning(store: FakeKubeStore, opts: BootstrapProvisioningOptions): ScenarioHandle {
  const ns = opts.namespace ?? 'eksa-system';
  const cluster = opts.clusterName ?? 'seed';
  const clock = opts.clock ?? systemClock;
  const kubelet = `v${opts.kubernetesVersion ?? '1.35'}.0-eks-${(opts.kubernetesVersion ?? '1.35').replace('.', '-')}-5`;
  const fit = Math.min(1, (opts.windowSeconds ?? PLAN_SECONDS) / PLAN_SECONDS);
  const now = () => stamp(clock);
  const setStatus = (o: KubeObject, status: Record<string, unknown>) =>
    store.update(
      {apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name!},
      cur => (cur ? {...cur, status: {...(cur['status'] as object | undefined), ...status}} : undefined),
    );
  const found = (apiVersion: string, kind: string, name: string) => store.get({apiVersion, kind, namespace: ns, name});
  const statusOf = (o: KubeObject | undefined) => (o?.['status'] ?? {}) as Record<string, unknown>;
  const completed = (o: KubeObject | undefined) =>
    ((statusOf(o)['conditions'] ?? []) as Array<{type: string; status: string}>).some(
      c => c.type === 'Completed' && c.status === 'True',
    );
  /** The object as it is, or as given when the store has none yet. */
  const ensure = (o: KubeObject) => found(o.apiVersion, o.kind, o.metadata.name!) ?? store.put(o);

  return runScenario(opts, async raw => {
    const wait: Wait = s => raw(s * fit);
    if (!store.get({apiVersion: 'v1', kind: 'Namespace', name: ns}))
      store.put({apiVersion: 'v1', kind: 'Namespace', metadata: {name: ns}});
    const rufio = new Map<string, KubeObject>();
    for (const m of opts.machines) {
      ensure({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {name: `bmc-${m.hostname}-auth`, namespace: ns},
        type: 'kubernetes.io/basic-auth',
        stringData: {username: 'admin', password: 'demo-password'},
      });
      rufio.set(
        m.hostname,
        ensure({
          apiVersion: BMC,
          kind: 'Machine',
          metadata: {name: `bmc-${m.hostname}`, namespace: ns},
          spec: {
            connection: {
              host: m.bmcIp,
              port: 0,
              insecureTLS: true,
              authSecretRef: {name: `bmc-${m.hostname}-auth`, namespace: ns},
              providerOptions: {preferredOrder: ['gofish']},
            },
          },
        }),
      );
      ensure({
        apiVersion: TINK,
        kind: 'Hardware',
        metadata: {name: m.hostname, namespace: ns, labels: {type: m.role ?? 'worker'}},
        spec: {
          bmcRef: {apiGroup: 'bmc.tinkerbell.org', kind: 'Machine', name: `bmc-${m.hostname}`},
          disks: [{device: m.disk ?? '/dev/sda'}],
          interfaces: [
            {
              dhcp: {
                mac: m.mac,
                hostname: m.hostname,
                arch: 'x86_64',
                uefi: true,
                ...(m.ip ? {ip: {address: m.ip}} : {}),
              },
              netboot: {allowPXE: true, allowWorkflow: true},
            },
          ],
          metadata: {instance: {hostname: m.hostname, id: m.mac}},
        },
      });
    }
    // Rufio reaches each BMC and marks it Contactable (eksctl waits for this, up to 5 minutes).
    const contactable = (o: KubeObject) =>
      ((statusOf(o)['conditions'] ?? []) as Array<{type: string}>).some(c => c.type === 'Contactable');
    if (![...rufio.values()].every(contactable)) {
      await raw(4);
      for (const m of opts.machines) {
        if (contactable(rufio.get(m.hostname)!)) continue;
        setStatus(rufio.get(m.hostname)!, {
          powerState: 'off',
          conditions: [{type: 'Contactable', status: 'True', lastUpdated: now()}],
        });
      }
    }
    if (opts.gate) await opts.gate;

    ensure({
      apiVersion: CAPI,
      kind: 'Cluster',
      metadata: {name: cluster, namespace: ns, labels: {'cluster.x-k8s.io/cluster-name': cluster}},
      spec: {controlPlaneEndpoint: {host: '', port: 6443}},
      status: {phase: 'Provisioning'},
    });
    const cps = opts.machines.filter(m => m.role === 'cp');
    const workers = opts.machines.filter(m => m.role !== 'cp');
    await Promise.all((cps.length ? cps : opts.machines.slice(0, 1)).map(m => provision(m, wait, true)));
    if (statusOf(found(CAPI, 'Cluster', cluster))['phase'] !== 'Provisioned')
      setStatus(
        {apiVersion: CAPI, kind: 'Cluster', metadata: {name: cluster, namespace: ns}},
        {phase: 'Provisioned', controlPlaneReady: true, infrastructureReady: true},
      );
    await Promise.all((cps.length ? workers : opts.machines.slice(1)).map(m => provision(m, wait, false)));
  });

  async function provision(m: DemoMachine, wait: Wait, controlPlane: boolean) {
    const machineName = `${cluster}-${controlPlane ? '' : 'md-0-'}${suffix(m.hostname)}`;
    const labels = {
      'cluster.x-k8s.io/cluster-name': cluster,
      ...(controlPlane ? {'cluster.x-k8s.io/control-plane': ''} : {}),
    };
    const capi = ensure({
      apiVersion: CAPI,
      kind: 'Machine',
      metadata: {name: machineName, namespace: ns, labels},
      spec: {
        clusterName: cluster,
        version: kubelet.replace(/-eks.*$/, ''),
        bootstrap: {dataSecretName: machineName},
        infrastructureRef: {
          apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1',
          kind: 'TinkerbellMachine',
          name: machineName,
          namespace: ns,
        },
      },
      status: {phase: 'Pending'},
    });
    if (statusOf(capi)['phase'] === 'Running') return;
    if (statusOf(capi)['phase'] === 'Pending') {
      await wait(5);
      setStatus(capi, {phase: 'Provisioning'});
    }

    // Rufio job: power off, one-time PXE boot (EFI), power on; one Task per action.
    const bmc = {apiVersion: BMC, kind: 'Machine', metadata: {name: `bmc-${m.hostname}`, namespace: ns}} as KubeObject;
    const jobName = `${machineName}-provision`;
    const actions = [
      {powerAction: 'off'},
      {oneTimeBootDeviceAction: {device: ['pxe'], efiBoot: true}},
      {powerAction: 'on'},
    ];
    const job = ensure({
      apiVersion: BMC,
      kind: 'Job',
      metadata: {name: jobName, namespace: ns},
      spec: {machineRef: {name: `bmc-${m.hostname}`, namespace: ns}, tasks: actions},
      status: {conditions: [{type: 'Running', status: 'True'}], startTime: stamp(clock)},
    });
    for (const [i, task] of actions.entries()) {
      if (completed(job)) break;
      const t = ensure({
        apiVersion: BMC,
        kind: 'Task',
        metadata: {name: `${jobName}-task-${i}`, namespace: ns, labels: {'bmc.tinkerbell.org/job': jobName}},
        spec: {task, connection: {host: m.bmcIp, port: 0, insecureTLS: true}},
        status: {startTime: stamp(clock)},
      });
      if (completed(t)) continue;
      await wait(5);
      setStatus(t, {conditions: [{type: 'Completed', status: 'True'}], completionTime: stamp(clock)});
      if ('powerAction' in task) setStatus(bmc, {powerState: task.powerAction});
    }
    if (!completed(job))
      setStatus(job, {conditions: [{type: 'Completed', status: 'True'}], completionTime: stamp(clock)});

    // The machine PXE-boots HookOS, then tink-worker runs the workflow's actions.
    const wf = ensure({
      apiVersion: TINK,
      kind: 'Workflow',
      metadata: {name: machineName, namespace: ns},
      spec: {templateRef: machineName, hardwareRef: m.hostname, hardwareMap: {device_1: m.mac}},
      status: {state: 'PENDING'},
    });
    const state = statusOf(wf)['state'];
    if (state === 'PENDING') await wait(95);
    const tasks = (done: number, running: boolean) => [
      {
        name: 'os-installation',
        worker_id: m.mac,
        actions: UBUNTU_ACTIONS.map((a, i) => ({
          name: a.name,
          image: a.image,
          timeout: 600,
          status: i < done ? 'SUCCESS' : i === done && running ? 'RUNNING' : 'PENDING',
          ...(i < done ? {seconds: a.seconds} : {}),
        })),
      },
    ];
    // A restarted world reruns the action that was running when it stopped (tink-worker retries it too).
    const from = state === 'RUNNING' ? UBUNTU_ACTIONS.findIndex(a => a.name === statusOf(wf)['currentAction']) : 0;
    for (const [i, a] of UBUNTU_ACTIONS.entries()) {
      if (state === 'SUCCESS' || i < from) continue;
      setStatus(wf, {state: 'RUNNING', currentAction: a.name, tasks: tasks(i, true)});
      await wait(a.seconds);
    }
    if (state !== 'SUCCESS')
      setStatus(wf, {
        state: 'SUCCESS',
        currentAction: UBUNTU_ACTIONS[UBUNTU_ACTIONS.length - 1]!.name,
        tasks: tasks(UBUNTU_ACTIONS.length, false),
      });
    const joined = statusOf(found(CAPI, 'Machine', machineName))['nodeRef'] !== undefined;
    setStatus(capi, {phase: 'Provisioned', bootstrapReady: true, infrastructureReady: true});
    store.update(
      {apiVersion: CAPI, kind: 'Machine', namespace: ns, name: machineName},
      cur => cur && {...cur, spec: {...(cur['spec'] as object), providerID: `tinkerbell://${ns}/${m.hostname}`}},
    );

    // Reboot into the OS, kubeadm join: the Node registers NotReady, then Ready once the CNI runs.
    const node = (ready: boolean): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: m.hostname,
        labels: {
          'kubernetes.io/hostname': m.hostname,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          ...(controlPlane ? {'node-role.kubernetes.io/control-plane': ''} : {}),
        },
      },
      spec: {providerID: `tinkerbell://${ns}/${m.hostname}`},
      status: {
        conditions: [
          {
            type: 'Ready',
            status: ready ? 'True' : 'False',
            reason: ready ? 'KubeletReady' : 'KubeletNotReady',
            message: ready
              ? 'kubelet is posting ready status'
              : 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
            lastTransitionTime: stamp(clock),
          },
        ],
        addresses: [...(m.ip ? [{type: 'InternalIP', address: m.ip}] : []), {type: 'Hostname', address: m.hostname}],
        nodeInfo: {
          kubeletVersion: kubelet,
          osImage: 'Ubuntu 22.04.5 LTS',
          containerRuntimeVersion: 'containerd://1.7.27',
          kernelVersion: '5.15.0-140-generic',
          architecture: 'amd64',
          operatingSystem: 'linux',
        },
      },
    });
    if (!joined) {
      await wait(90);
      opts.workload?.put(node(false));
      setStatus(capi, {nodeRef: {apiVersion: 'v1', kind: 'Node', name: m.hostname}});
    }
    await wait(60);
    opts.workload?.put(node(true));
    setStatus(capi, {phase: 'Running'});
  }
}
