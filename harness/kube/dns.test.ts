import { describe, expect, it } from 'vitest';
import { clusterDomainFrom, parseAddresses } from './dns.ts';

describe('parseAddresses', () => {
  it('dedupes getent ahostsv4 output (one line per socket type)', () => {
    const out = '10.244.1.5      STREAM web-0.nginx.ns.svc.cluster.local\n10.244.1.5      DGRAM  \n10.244.1.5      RAW    \n10.244.2.3      STREAM \n';
    expect(parseAddresses(out)).toEqual(['10.244.1.5', '10.244.2.3']);
  });
  it('returns nothing for empty or non-address output', () => {
    expect(parseAddresses('')).toEqual([]);
    expect(parseAddresses('getent: not found\n')).toEqual([]);
  });
});

describe('clusterDomainFrom', () => {
  it('reads the domain from the namespace search entry', () => {
    const rc = 'search ordinal-identity-x1.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n';
    expect(clusterDomainFrom(rc, 'ordinal-identity-x1')).toBe('cluster.local');
  });
  it('handles custom domains and missing search lines', () => {
    expect(clusterDomainFrom('search a.svc.k8s.example.com svc.k8s.example.com\n', 'a')).toBe('k8s.example.com');
    expect(clusterDomainFrom('nameserver 1.1.1.1\n', 'a')).toBeUndefined();
  });
});
