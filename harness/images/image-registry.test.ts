import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { containerImages, parseImageRegistry, relocate, relocateObject, splitImage } from './image-registry.ts';

describe('parseImageRegistry', () => {
  it('takes HOST[:PORT][/PREFIX], plain HTTP only for loopback or an explicit http://', () => {
    expect(parseImageRegistry('localhost:5001/ordinal')).toEqual({ host: 'localhost:5001', prefix: 'ordinal', scheme: 'http', name: 'localhost:5001/ordinal' });
    expect(parseImageRegistry('127.0.0.1:5000')).toMatchObject({ host: '127.0.0.1:5000', prefix: '', scheme: 'http' });
    expect(parseImageRegistry('registry.example.com/team/ordinal/')).toMatchObject({ host: 'registry.example.com', prefix: 'team/ordinal', scheme: 'https', name: 'registry.example.com/team/ordinal' });
    expect(parseImageRegistry('http://mirror.lan:5000/x')).toMatchObject({ scheme: 'http', name: 'mirror.lan:5000/x' });
    expect(parseImageRegistry('registry:5000')).toMatchObject({ host: 'registry:5000', scheme: 'https' });
  });

  it('refuses what docker would read as a Docker Hub namespace, bad paths and nothing', () => {
    expect(() => parseImageRegistry('ordinal')).toThrow(/does not start with a registry host/);
    expect(() => parseImageRegistry('ordinal/images')).toThrow(InputError);
    expect(() => parseImageRegistry('localhost:5001/Ordinal')).toThrow(/"Ordinal" is not a valid repository path component/);
    expect(() => parseImageRegistry('  ')).toThrow(/is empty/);
    expect(() => parseImageRegistry('x', 'ORDINAL_IMAGE_REGISTRY')).toThrow(/^ORDINAL_IMAGE_REGISTRY "x"/);
  });
});

describe('relocate', () => {
  const reg = parseImageRegistry('localhost:5001/ordinal');
  it('moves ordinal.local/ images under the registry and leaves the rest', () => {
    expect(relocate('ordinal.local/kafka:3.9.2', reg)).toBe('localhost:5001/ordinal/kafka:3.9.2');
    expect(relocate('ordinal.local/base/slim:bookworm', reg)).toBe('localhost:5001/ordinal/base/slim:bookworm');
    expect(relocate('docker.io/library/nginx:1.27', reg)).toBe('docker.io/library/nginx:1.27');
    expect(relocate('ordinal.local/kafka:3.9.2', undefined)).toBe('ordinal.local/kafka:3.9.2');
    expect(relocate('ordinal.local/k6:v1', parseImageRegistry('registry.example.com'))).toBe('registry.example.com/k6:v1');
  });

  it('rewrites every container of any pod spec in an object, and finds them all', () => {
    const sts = {
      kind: 'StatefulSet',
      spec: { template: { spec: {
        initContainers: [{ name: 'init', image: 'ordinal.local/base/slim:bookworm' }],
        containers: [{ name: 'zk', image: 'ordinal.local/zookeeper:3.8.4', env: [{ name: 'image', value: 'ordinal.local/not-an-image' }] }, { name: 'side', image: 'busybox:1' }],
      } } },
    };
    const out = relocateObject(sts, reg);
    expect(containerImages(out)).toEqual(['localhost:5001/ordinal/base/slim:bookworm', 'localhost:5001/ordinal/zookeeper:3.8.4', 'busybox:1']);
    expect(out.spec.template.spec.containers[0]!.env![0]!.value).toBe('ordinal.local/not-an-image');
    expect(sts.spec.template.spec.containers[0]!.image).toBe('ordinal.local/zookeeper:3.8.4');
    const cron = { kind: 'CronJob', spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'ordinal.local/k6:v1.8.1' }] } } } } } };
    expect(containerImages(relocateObject(cron, reg))).toEqual(['localhost:5001/ordinal/k6:v1.8.1']);
  });
});

describe('splitImage', () => {
  it('splits host, repository and tag or digest', () => {
    expect(splitImage('localhost:5001/ordinal/kafka:3.9.2')).toEqual({ host: 'localhost:5001', repository: 'ordinal/kafka', reference: '3.9.2' });
    expect(splitImage('registry.example.com/a/b')).toEqual({ host: 'registry.example.com', repository: 'a/b', reference: 'latest' });
    expect(splitImage('localhost:5001/x@sha256:abc')).toEqual({ host: 'localhost:5001', repository: 'x', reference: 'sha256:abc' });
  });
});
