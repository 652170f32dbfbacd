// Validates kind-config.yaml before kind sees it, so a mistake is reported as "which field and why"
// rather than as kind's Go unmarshal error halfway through cluster creation.
import { readFileSync, existsSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { InputError } from '../errors.ts';

export interface KindNode {
  role: 'control-plane' | 'worker';
  image?: string;
}

export interface KindConfig {
  nodes: KindNode[];
  podSubnet: string;
  serviceSubnet: string;
  /** the file's text, handed to kind unchanged */
  raw: string;
}

const TOP_LEVEL = new Set([
  'kind', 'apiVersion', 'name', 'nodes', 'networking', 'featureGates', 'runtimeConfig',
  'kubeadmConfigPatches', 'kubeadmConfigPatchesJSON6902', 'containerdConfigPatches', 'containerdConfigPatchesJSON6902',
]);
const NODE_FIELDS = new Set(['role', 'image', 'extraMounts', 'extraPortMappings', 'labels', 'kubeadmConfigPatches', 'kubeadmConfigPatchesJSON6902']);
const NETWORKING_FIELDS = new Set(['ipFamily', 'apiServerPort', 'apiServerAddress', 'podSubnet', 'serviceSubnet', 'disableDefaultCNI', 'kubeProxyMode', 'dnsSearch']);

function isCidr(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(s);
  return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}

/** Parses and validates kind cluster config text; `file` names it in errors. */
export function parseKindConfig(text: string, file: string): KindConfig {
  const bad = (field: string, why: string): never => {
    throw new InputError(`${file}: ${field} ${why}`, `fix ${field} in ${file} (kind's format: https://kind.sigs.k8s.io/docs/user/configuration/)`);
  };
  const doc = parseDocument(text);
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0]?.line;
    throw new InputError(`${file}${line ? `:${line}` : ''}: not valid YAML (${e.message.split('\n')[0]})`, `fix the YAML syntax in ${file}`);
  }
  const cfg = doc.toJS() as Record<string, unknown> | null;
  if (!cfg || typeof cfg !== 'object' || Array.isArray(cfg)) bad('the document', 'must be a mapping with kind: Cluster');
  const c = cfg as Record<string, unknown>;
  if (c.kind !== 'Cluster') bad('kind', `must be "Cluster", got ${JSON.stringify(c.kind)}`);
  if (c.apiVersion !== 'kind.x-k8s.io/v1alpha4') bad('apiVersion', `must be "kind.x-k8s.io/v1alpha4", got ${JSON.stringify(c.apiVersion)}`);
  for (const k of Object.keys(c)) if (!TOP_LEVEL.has(k)) bad(k, 'is not a kind v1alpha4 Cluster field');
  if (c.name !== undefined) bad('name', 'is set by ordinal (--name / ORDINAL_CLUSTER_NAME); remove it from the file');

  const nodesRaw = c.nodes ?? [{ role: 'control-plane' }];
  if (!Array.isArray(nodesRaw) || nodesRaw.length === 0) bad('nodes', 'must be a non-empty list');
  const nodes: KindNode[] = (nodesRaw as unknown[]).map((n, i) => {
    if (!n || typeof n !== 'object') return bad(`nodes[${i}]`, 'must be a mapping with a role');
    const node = n as Record<string, unknown>;
    for (const k of Object.keys(node)) if (!NODE_FIELDS.has(k)) bad(`nodes[${i}].${k}`, 'is not a kind node field');
    if (node.role !== 'control-plane' && node.role !== 'worker') bad(`nodes[${i}].role`, `must be control-plane or worker, got ${JSON.stringify(node.role)}`);
    if (node.image !== undefined && typeof node.image !== 'string') bad(`nodes[${i}].image`, 'must be a string');
    return { role: node.role as KindNode['role'], ...(node.image ? { image: node.image as string } : {}) };
  });
  const cps = nodes.filter((n) => n.role === 'control-plane').length;
  if (cps === 0) bad('nodes', 'must include one control-plane node');
  if (cps > 1) bad('nodes', `has ${cps} control-plane nodes; HA control planes need kind's load-balancer image, which ordinal cannot build offline; use one`);

  const net = (c.networking ?? {}) as Record<string, unknown>;
  if (typeof net !== 'object' || Array.isArray(net)) bad('networking', 'must be a mapping');
  for (const k of Object.keys(net)) if (!NETWORKING_FIELDS.has(k)) bad(`networking.${k}`, 'is not a kind networking field');
  const podSubnet = net.podSubnet ?? '10.244.0.0/16';
  const serviceSubnet = net.serviceSubnet ?? '10.96.0.0/16';
  if (!isCidr(podSubnet)) bad('networking.podSubnet', `must be an IPv4 CIDR such as 10.244.0.0/16, got ${JSON.stringify(podSubnet)}`);
  if (!isCidr(serviceSubnet)) bad('networking.serviceSubnet', `must be an IPv4 CIDR such as 10.96.0.0/16, got ${JSON.stringify(serviceSubnet)}`);
  if (net.ipFamily !== undefined && net.ipFamily !== 'ipv4') bad('networking.ipFamily', 'must be ipv4 (ordinal-netd and the suites are IPv4-only)');
  if (net.disableDefaultCNI === true) bad('networking.disableDefaultCNI', 'must not be true: nothing would give pods a network');
  return { nodes, podSubnet: podSubnet as string, serviceSubnet: serviceSubnet as string, raw: text };
}

export function loadKindConfig(file: string): KindConfig {
  if (!existsSync(file)) throw new InputError(`kind config ${file} does not exist`, 'create it (see kind-config.yaml in the repository) or pass --config');
  return parseKindConfig(readFileSync(file, 'utf8'), file);
}
