import { describe, expect, it } from 'vitest';
import { ExecError, TimeoutError } from '../errors.ts';
import { execPathFailed } from './exec.ts';

// the errors execInPod threw in an upgrade rehearsal (zookeeper-samples.jsonl), each wrapped as it wraps them
const what = "exec in ns/zk-0 (zookeeper): bash -c 'exec 3<>/dev/tcp/127.0.0.1/2181 && printf srvr >&3 && timeout 3 cat <&3'";
const thrown = (message: string, code?: string) => {
  const cause = Object.assign(new Error(message), code ? { code } : {});
  return new ExecError(`${what}: ${message}`, undefined, { cause });
};

describe('execPathFailed', () => {
  it('is true when the exec never reached the container: the API server restarting, the kubelet away, a hang', () => {
    // as the exec's websocket reports it: the text only, no code
    expect(execPathFailed(thrown('Client network socket disconnected before secure TLS connection was established'))).toBe(true);
    expect(execPathFailed(thrown('read ECONNRESET', 'ECONNRESET'))).toBe(true);
    expect(execPathFailed(thrown('connect ECONNREFUSED 127.0.0.1:40123', 'ECONNREFUSED'))).toBe(true);
    expect(execPathFailed(thrown('Unexpected server response: 403'))).toBe(true);
    expect(execPathFailed(thrown('Unexpected server response: 500'))).toBe(true);
    // the API server's Failure status while it shut down (as execInPod resolves it: its message)
    expect(execPathFailed('Internal error occurred: error sending request: Post "https://172.18.0.2:10250/exec/ns/zk-0/zookeeper?command=bash": read tcp 172.18.0.5:60324->172.18.0.2:10250: use of closed network connection')).toBe(true);
    expect(execPathFailed(new TimeoutError('the command to finish', 'Pod ns/zk-0', 60_000, 'still running'))).toBe(true);
  });
  it('is false when the pod or its container is not there: that is the member\'s own state', () => {
    expect(execPathFailed(thrown('Unexpected server response: 400'))).toBe(false);
    expect(execPathFailed(thrown('Unexpected server response: 404'))).toBe(false);
    expect(execPathFailed(thrown('Internal error occurred: unable to upgrade connection: container not found ("zookeeper")'))).toBe(false);
    expect(execPathFailed('command terminated with non-zero exit code: command terminated with exit code 137')).toBe(false);
  });
});
