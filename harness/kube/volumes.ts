// Where a fixture's data path lives (a claim from a volumeClaimTemplate, or something that dies with
// the pod), and the PVCs/PVs of a namespace as comparable records.
import type * as k8s from '@kubernetes/client-node';
import { statefulSetOf, type Fixture } from '../fixture/fixture.ts';
import type { Kube } from './client.ts';

export interface DataVolume {
  /** 'claim' when the data path is on a volumeClaimTemplate */
  kind: 'claim' | 'emptyDir' | 'hostPath' | 'other' | 'none';
  volume?: string;
  describe: string;
}

/** The volume holding `fixture.dataPath` in the StatefulSet's template. */
export function dataVolume(f: Fixture, sts: k8s.V1StatefulSet = statefulSetOf(f)): DataVolume {
  const c = sts.spec?.template?.spec?.containers?.find((x) => x.name === f.container);
  const mount = (c?.volumeMounts ?? [])
    .filter((m) => f.dataPath === m.mountPath || f.dataPath.startsWith(`${m.mountPath.replace(/\/$/, '')}/`))
    .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  if (!mount) return { kind: 'none', describe: `no volume (it is on the container's own filesystem)` };
  if ((sts.spec?.volumeClaimTemplates ?? []).some((t) => t.metadata?.name === mount.name)) {
    return { kind: 'claim', volume: mount.name, describe: `volumeClaimTemplate "${mount.name}"` };
  }
  const v = sts.spec?.template?.spec?.volumes?.find((x) => x.name === mount.name);
  if (v?.emptyDir) return { kind: 'emptyDir', volume: mount.name, describe: `emptyDir volume "${mount.name}"` };
  if (v?.hostPath) return { kind: 'hostPath', volume: mount.name, describe: `hostPath volume "${mount.name}" (${v.hostPath.path})` };
  return { kind: 'other', volume: mount.name, describe: `volume "${mount.name}" (not a volumeClaimTemplate)` };
}

export interface ClaimRecord {
  name: string;
  uid: string;
  phase?: string;
  terminating: boolean;
  pv?: string;
  pvUid?: string;
}

export async function listClaims(kube: Kube, namespace: string): Promise<Map<string, ClaimRecord>> {
  const pvcs = await kube.core.listNamespacedPersistentVolumeClaim({ namespace });
  const out = new Map<string, ClaimRecord>();
  for (const c of pvcs.items) {
    const pv = c.spec?.volumeName;
    let pvUid: string | undefined;
    if (pv) pvUid = (await kube.core.readPersistentVolume({ name: pv }).catch(() => undefined))?.metadata?.uid;
    out.set(c.metadata!.name!, { name: c.metadata!.name!, uid: c.metadata!.uid!, phase: c.status?.phase, terminating: !!c.metadata?.deletionTimestamp, pv, pvUid });
  }
  return out;
}

export function claimName(template: string, sts: string, ordinal: number): string {
  return `${template}-${sts}-${ordinal}`;
}

export function describeClaim(c: ClaimRecord | undefined): string {
  if (!c) return 'absent';
  return `uid ${c.uid.slice(0, 8)}, ${c.phase}${c.terminating ? ', terminating' : ''}${c.pv ? `, PV ${c.pv}` : ''}`;
}
