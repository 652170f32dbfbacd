// One Kubernetes client per kubeconfig, built on @kubernetes/client-node. Bad kubeconfigs and
// unreachable API servers become one-line InputErrors naming the file and the fix.
import { existsSync, readFileSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import { timeoutMs as timeoutMsOf } from '../config.ts';
import { InputError, KubeApiError, apiAnswer } from '../errors.ts';
import { withDeadline } from '../wait/poll.ts';
import { apiStatus } from '../wait/retryable.ts';

export interface Kube {
  kc: k8s.KubeConfig;
  kubeconfigPath: string;
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  storage: k8s.StorageV1Api;
  policy: k8s.PolicyV1Api;
  batch: k8s.BatchV1Api;
  objects: k8s.KubernetesObjectApi;
  server: string;
}

export function loadKube(kubeconfigPath: string, context?: string): Kube {
  if (!existsSync(kubeconfigPath)) {
    throw new InputError(`kubeconfig ${kubeconfigPath} does not exist`, 'pass --kubeconfig with a readable file, or run `npx ordinal cluster up` to create a cluster');
  }
  const kc = new k8s.KubeConfig();
  try {
    kc.loadFromString(readFileSync(kubeconfigPath, 'utf8'));
  } catch (err) {
    throw new InputError(`kubeconfig ${kubeconfigPath} is not a valid kubeconfig (${(err as Error).message.split('\n')[0]})`, 'check the file with `kubectl --kubeconfig FILE config view`');
  }
  if (context) {
    if (!kc.getContexts().some((c) => c.name === context)) {
      throw new InputError(`kubeconfig ${kubeconfigPath} has no context "${context}"`, `use one of: ${kc.getContexts().map((c) => c.name).join(', ') || '(none)'}`);
    }
    kc.setCurrentContext(context);
  }
  const cluster = kc.getCurrentCluster();
  if (!kc.getCurrentContext() || !cluster) {
    throw new InputError(`kubeconfig ${kubeconfigPath} has no current context with a cluster`, 'set one with `kubectl --kubeconfig FILE config use-context NAME`');
  }
  return {
    kc,
    kubeconfigPath,
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    storage: kc.makeApiClient(k8s.StorageV1Api),
    policy: kc.makeApiClient(k8s.PolicyV1Api),
    batch: kc.makeApiClient(k8s.BatchV1Api),
    objects: k8s.KubernetesObjectApi.makeApiClient(kc),
    server: cluster.server,
  };
}

/** Checks that the API server answers within a bound; returns its version. */
export async function checkReachable(kube: Kube, timeoutMs = timeoutMsOf('api')): Promise<string> {
  const api = kube.kc.makeApiClient(k8s.VersionApi);
  try {
    return (await withDeadline(api.getCode(), timeoutMs, `no answer within ${timeoutMs / 1000}s`)).gitVersion;
  } catch (err) {
    throw new InputError(
      `the API server ${kube.server} (kubeconfig ${kube.kubeconfigPath}) is not reachable: ${apiMessage(err)}`,
      'check the cluster is running (`npx ordinal cluster status`) and the kubeconfig points at it',
    );
  }
}

/** Whether the API answered 404 (a raw ApiException, a KubeApiError, or either as a `cause`). */
export function isNotFound(err: unknown): boolean {
  return apiStatus(err) === 404;
}

/** Whether the API answered 409 (a raw ApiException, a KubeApiError, or either as a `cause`). */
export function isConflict(err: unknown): boolean {
  return apiStatus(err) === 409;
}

/** The API's message for an ApiException or KubeApiError ("HTTP 404: …"), or the error's first line. */
export function apiMessage(err: unknown): string {
  return apiAnswer(err).text;
}

/** Wraps an API call so failures carry what was attempted and the HTTP status (KubeApiError). */
export async function api<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw KubeApiError.from(what, err);
  }
}
