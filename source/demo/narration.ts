// What the guided demo's narrator says on each step: what happens and why, in plain words, after the
// article the product comes from (Kong Gateway Enterprise hybrid mode on EKS Anywhere bare metal).
// Plain data and a word wrapper; source/ui/Narration.tsx draws it.
import type {StepId} from '../wizard/step-ids.js';

export const NARRATION: Record<StepId, string> = {
  welcome:
    'Kong runs here in hybrid mode: a control plane on EKS in AWS is where admins define APIs and policies, and data planes next to the services carry the traffic. You will build one data plane on bare metal with EKS Anywhere. In this demo the real wizard code runs against a simulated data center on this machine.',
  preflight:
    'The admin server does the heavy lifting: it runs a throw-away bootstrap cluster (kind, in docker) and the Tinkerbell stack that network-boots the servers. So eksctl, docker, kubectl, helm, free ports and the provisioning network are checked before anything starts.',
  discover:
    'Bare metal has no cloud API to list what exists. The wizard hears PXE DHCP requests (MAC addresses), asks the BMCs over Redfish or IPMI (power, disks) and reads the neighbour table. Here, simulated BMCs answer on loopback.',
  hardware:
    "hardware.csv is Tinkerbell's inventory: one row per server with its MAC, IP, disk, BMC and a label (type=cp or type=worker) that tells Cluster API which role the machine may take. EKS Anywhere trusts it as written, so it is checked strictly.",
  'cluster-spec':
    "The cluster spec declares the cluster instead of scripting it: EKS Distro (Amazon's Kubernetes) at a given version, the control-plane endpoint IP, the Tinkerbell IP and the machine configs. Cluster API turns that declaration into machines.",
  'create-cluster':
    'eksctl anywhere starts a kind bootstrap cluster with Cluster API and the Tinkerbell provider (CAPT). They power the servers on through their BMCs; the servers PXE-boot, get their OS and join. Management then moves to the new cluster and the bootstrap cluster is deleted.',
  'control-plane':
    'The control plane stays in AWS and serves only admins (Admin API, Kong Manager, its database). Data planes reach it through two load balancers: port 8005 carries configuration down an mTLS tunnel, port 8006 carries telemetry back up. Both sides use the same cluster certificate.',
  'data-plane':
    'The data plane is Kong with role data_plane and database off: it keeps no database because every route and plugin arrives from the control plane over the 8005 tunnel, and it reports metrics on 8006. Helm installs it on the new cluster; first the load balancer (MetalLB or kube-vip) is installed, so the proxy Service gets an address from the pool.',
  verify:
    'Proof: the control plane lists the data plane and a call through its proxy reaches a route set in AWS. The orders API then gets its policies, each proven on the proxy; its logs go to http-log-entries.jsonl.',
  done: 'From bare metal to a connected Kong data plane. Every command is in the session logs, and "eksa-kong runbook NAME" prints them as a script to review and rerun by hand on a real rack.',
};

export function narrationFor(step: StepId): string {
  return NARRATION[step];
}

/** Word-wraps text into at most maxLines lines of width; a cut ends in "…". */
export function wrapNarration(text: string, width: number, maxLines: number): string[] {
  if (width < 1 || maxLines < 1) return [];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const pieces = word.length > width ? (word.match(new RegExp(`.{1,${width}}`, 'g')) ?? []) : [word];
    for (const piece of pieces) {
      if (!line) line = piece;
      else if (line.length + 1 + piece.length <= width) line += ' ' + piece;
      else {
        lines.push(line);
        line = piece;
      }
    }
  }
  if (line) lines.push(line);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  const last = kept[maxLines - 1]!;
  kept[maxLines - 1] = (last.length >= width ? last.slice(0, width - 1) : last) + '…';
  return kept;
}
