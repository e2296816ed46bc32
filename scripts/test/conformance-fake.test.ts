import { after, describe, it } from 'node:test';
import { ALL_CASES } from './conformance/all-cases';
import { fakeTarget } from './conformance/fake-target';

// The conformance cases against the in-memory fake API the UI's tests use.
// Cases marked realOnly are not fake cases at all (the fake cannot model
// them) and are left out here, not skipped.

describe('conformance (fake API)', () => {
  const target = fakeTarget();
  after(() => target.dispose());
  for (const conformanceCase of ALL_CASES.filter((c) => c.realOnly === undefined)) {
    it(conformanceCase.name, () => conformanceCase.run(target));
  }
});
