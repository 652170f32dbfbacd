// Negative controls: every broken fixture under fixtures/negative runs through the real
// `ordinal run`, which must exit 1 with exactly the intended checks failed, a diagnosis matching
// the fixture's expectation, and no other check failed (a check that cannot fail is a defect).
// A control may name checks that are allowed, not required, to fail as well (mayFail), and checks
// that must be blocked by a fault of the cluster (blocked, blockedReason).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { PROJECT_ROOT } from '../harness/config.ts';
import { loadFixture } from '../harness/fixture/fixture.ts';
import { assertControl, runControl } from '../harness/testing/control.ts';

const negDir = path.join(PROJECT_ROOT, 'fixtures/negative');
const cases = readdirSync(negDir).sort().flatMap((name) => {
  const f = loadFixture(path.join(negDir, name));
  return f.controls.map((c) => ({ dir: f.dir, name: f.name, description: f.description, control: c, suite: c.suite, fails: c.fails }));
});

describe('negative controls', () => {
  // two at a time (the controls project's maxConcurrency); those whose suite drains or restarts
  // nodes run alone on the cluster (the suite's session holds its lock exclusively)
  it.concurrent.each(cases)('$name ($description): suite $suite fails $fails and nothing else', async (c) => {
    assertControl(c.control, await runControl(c.name, c.control, c.dir));
  });
});
