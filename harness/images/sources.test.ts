import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../config.ts';
import { run } from '../proc/command.ts';
import { debianMirror, mavenMirrors, parseAptSources } from './sources.ts';

describe('image build sources', () => {
  it('the Debian mirror comes from the host apt sources, one-line or deb822, a release suite first', () => {
    const entries = parseAptSources([
      { path: '/etc/apt/sources.list', text: '# deb http://old.example/debian bookworm main\ndeb [signed-by=/k.gpg] http://mirror.corp.example/debian-security bookworm-security main\n' },
      { path: '/etc/apt/sources.list.d/debian.sources', text: 'Types: deb\nURIs: http://mirror.corp.example/debian\nSuites: bookworm bookworm-updates\nComponents: main\n\nTypes: deb-src\nURIs: http://src.example/debian\nSuites: bookworm\n\nTypes: deb\nEnabled: no\nURIs: http://off.example/debian\nSuites: trixie\n' },
    ]);
    expect(entries.map((e) => e.uri)).toEqual(['http://mirror.corp.example/debian-security', 'http://mirror.corp.example/debian']);
    expect(debianMirror(entries)).toMatchObject({ uri: 'http://mirror.corp.example/debian', file: '/etc/apt/sources.list.d/debian.sources' });
    expect(debianMirror(parseAptSources([{ path: '/etc/apt/sources.list', text: 'deb cdrom:[Debian]/ bookworm main\n' }]))).toBeUndefined();
  });

  it("Maven's mirrors from settings.xml, without commented-out ones or Maven's http blocker", () => {
    const xml = `<settings><mirrors><!-- <mirror><url>http://commented</url></mirror> -->
      <mirror><id>corp</id><mirrorOf>central</mirrorOf><url>https://nexus.corp.example/repository/maven</url></mirror>
      <mirror><id>maven-default-http-blocker</id><mirrorOf>external:http:*</mirrorOf><url>http://0.0.0.0/</url><blocked>true</blocked></mirror>
    </mirrors></settings>`;
    expect(mavenMirrors(xml)).toEqual(['https://nexus.corp.example/repository/maven (for central)']);
  });

  it('--print-sources shows an override and builds nothing', async () => {
    const r = await run(['node', path.join(PROJECT_ROOT, 'bin/ordinal.js'), 'images', 'build', '--print-sources', '--only', 'image/jre'], { timeoutMs: 30_000, env: { ORDINAL_DEBIAN_MIRROR: 'http://mirror.corp.example/debian', ORDINAL_GOPROXY: 'https://goproxy.corp.example' } });
    expect(r.stdout).toMatch(/^rootfs\/jre +http:\/\/mirror\.corp\.example\/debian {2}\(ORDINAL_DEBIAN_MIRROR\)$/m);
    expect(r.stdout).toMatch(/^image\/jre +from the artifacts above \(no download\)$/m);
  });
});
