import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { TRANSACTIONS, type ContractName, groupRecordSchema, mayManageMembers, mayPost } from '@ktalk/protocol';
import { CHAINCODE_CODES, responseSchema } from '../../electron/src/node/ledger';
import { escrowSchema } from '../../electron/src/node/payments/records';
import { directoryUserSchema } from '../../electron/src/node/fabric/directory';
import { ledgerAuditRecordSchema } from '../../electron/src/node/compliance/records';

// The chaincode and the client speak one protocol: not two copies that
// agree today, but the same schema objects. The chaincode is loaded from
// its own build (chaincode/dist), as the peer's chaincode process loads it,
// so each side resolves @ktalk/protocol the way it does at run time.

const ROOT = path.resolve(__dirname, '..', '..', '..');
const fromChaincode = (file: string): Record<string, unknown> =>
  require(path.join(ROOT, 'chaincode', 'dist', 'src', file)) as Record<string, unknown>;

describe('chaincode and client share the protocol', () => {
  const validate = fromChaincode('lib/validate.js') as {
    requestSchema: (contract: string, name: string) => unknown;
  };

  it('resolves @ktalk/protocol to the same module from the chaincode and from the client', () => {
    const chaincodeDir = path.join(ROOT, 'chaincode');
    const clientDir = path.join(ROOT, 'build', 'electron', 'src', 'node', 'ledger');
    assert.equal(
      require.resolve('@ktalk/protocol', { paths: [chaincodeDir] }),
      require.resolve('@ktalk/protocol', { paths: [clientDir] }),
    );
  });

  it("validates every transaction's request with the very schema object the client's calls are typed from", () => {
    let count = 0;
    for (const contract of Object.keys(TRANSACTIONS) as ContractName[]) {
      for (const [name, spec] of Object.entries(TRANSACTIONS[contract])) {
        assert.equal(validate.requestSchema(contract, name), spec.request, `${contract}.${name}`);
        count++;
      }
    }
    assert.ok(count >= 50, `${count} transactions`);
  });

  it('stores records with the schemas the client parses answers with', () => {
    const payments = fromChaincode('domain/payments.js');
    const groups = fromChaincode('domain/groups.js');
    const context = fromChaincode('lib/context.js');
    assert.equal(payments.escrowSchema, escrowSchema);
    assert.equal(payments.escrowSchema, responseSchema('payments', 'GetEscrow'));
    assert.equal(context.auditRecordSchema, ledgerAuditRecordSchema);
    assert.equal(groups.groupRecordSchema, groupRecordSchema);
    assert.equal(responseSchema('directory', 'GetUser'), directoryUserSchema);
    // The role rules the chaincode enforces are the ones the client (and the UI) apply.
    assert.equal(groups.mayManageMembers, mayManageMembers);
    assert.equal(groups.mayPost, mayPost);
  });

  it('refuses with the error codes the client reads', () => {
    const errors = fromChaincode('lib/errors.js');
    assert.equal(errors.ERROR_CODES, CHAINCODE_CODES);
  });
});
