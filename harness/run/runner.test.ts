// cleanupRun against a fake API: NotFound counts as deleted, any other failure is reported with its cause.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiException } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Kube } from '../kube/client.ts';
import { clusterObjectsFile } from '../kube/apply.ts';
import { cleanupRun } from './runner.ts';

const raw = (code: number, message: string) => new ApiException(code, 'x', JSON.stringify({ kind: 'Status', code, message }), {});
const ns = (name: string) => ({ metadata: { name } });

function fakeKube(present: string[], deleteErrors: Record<string, unknown>, objects: { read?: unknown } = {}) {
  const deleted: string[] = [];
  const kube = {
    core: {
      listNamespace: async () => ({ items: present.filter((n) => !deleted.includes(n)).map(ns) }),
      deleteNamespace: async ({ name }: { name: string }) => {
        // a 404 means someone else deleted it already: gone from the list too
        if (deleteErrors[name] && (deleteErrors[name] as { code?: number }).code !== 404) throw deleteErrors[name];
        deleted.push(name);
        if (deleteErrors[name]) throw deleteErrors[name];
      },
      listPersistentVolume: async () => ({ items: [] }),
    },
    objects: {
      read: async () => Promise.reject(objects.read),
      delete: async () => undefined,
    },
  } as unknown as Kube;
  return { kube, deleted };
}

describe('cleanupRun', () => {
  let runDir: string;
  beforeEach(() => {
    runDir = mkdtempSync(path.join(tmpdir(), 'ordinal-cleanup-'));
  });
  afterEach(() => rmSync(runDir, { recursive: true, force: true }));

  it('counts NotFound as deleted and returns other failures with their cause, without waiting for them', async () => {
    const { kube, deleted } = fakeKube(['ordering-a', 'identity-b', 'storage-c'], { 'identity-b': raw(404, 'namespaces "identity-b" not found'), 'storage-c': raw(403, 'namespaces "storage-c" is forbidden') });
    const left = await cleanupRun(kube, 'r1', runDir, 5000);
    expect(deleted).toEqual(['ordering-a', 'identity-b']);
    expect(left).toEqual(['Namespace storage-c: HTTP 403: namespaces "storage-c" is forbidden']);
  });

  it('without waiting, names the namespaces still going and the failures', async () => {
    const { kube } = fakeKube(['ordering-a', 'storage-c'], { 'storage-c': raw(500, 'etcdserver: request timed out') });
    expect(await cleanupRun(kube, 'r1', runDir, 0)).toEqual(['Namespace storage-c: HTTP 500: etcdserver: request timed out', 'ordering-a']);
  });

  it('reports cluster-scoped objects it could not delete, with the cause', async () => {
    writeFileSync(clusterObjectsFile(runDir), JSON.stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'ordinal-x' }) + '\n');
    const { kube } = fakeKube([], {}, { read: raw(403, 'clusterroles is forbidden') });
    expect(await cleanupRun(kube, 'r1', runDir, 5000)).toEqual(['ClusterRole ordinal-x: HTTP 403: clusterroles is forbidden']);
    const gone = fakeKube([], {}, { read: raw(404, 'not found') });
    expect(await cleanupRun(gone.kube, 'r1', runDir, 5000)).toEqual([]);
  });
});
