import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { collectionsConfig } from '../src/config/collections';
import { PROFILE, buildConfigtx, configtxYaml } from '../src/config/configtx';
import { applyOverrides, ordererOverrides, peerOverrides } from '../src/config/node-config';
import { buildTopology } from '../src/topology';

const topology = buildTopology(17000);
type Dict = Record<string, unknown>;
const at = (value: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((v, k) => (v as Dict)[k], value);

describe('channel configuration (configtx.yaml)', () => {
  const profile = at(buildConfigtx('/data', topology), 'Profiles', PROFILE);

  it('uses Raft with the three orderers as consenters and no system channel', () => {
    assert.equal(at(profile, 'Orderer', 'OrdererType'), 'etcdraft');
    const consenters = at(profile, 'Orderer', 'EtcdRaft', 'Consenters') as Dict[];
    assert.deepEqual(
      consenters.map((c) => c.Port),
      topology.orderers.map((o) => o.port),
    );
    assert.equal(at(profile, 'Consortiums'), undefined);
  });

  it("gives the orderers' Deliver the peers' block readers: channel Readers is ANY BlockReaders", () => {
    // Orderers check /Channel/Readers; staff clients are in the orgs' Readers but not in BlockReaders.
    assert.deepEqual(at(profile, 'Policies', 'Readers'), { Type: 'ImplicitMeta', Rule: 'ANY BlockReaders' });
    assert.equal(at(profile, 'Application', 'Policies', 'BlockReaders', 'Type'), 'Signature');
    assert.doesNotMatch(String(at(profile, 'Application', 'Policies', 'BlockReaders', 'Rule')), /client/);
    assert.deepEqual(at(profile, 'Orderer', 'Policies', 'BlockReaders'), { Type: 'ImplicitMeta', Rule: 'ANY Readers' });
  });

  it('enables application capability V2_5 for private data purge', () => {
    assert.deepEqual(at(profile, 'Application', 'Capabilities'), { V2_5: true });
  });

  it('requires a MAJORITY of orgs to endorse, so no single org can forge state', () => {
    assert.deepEqual(at(profile, 'Application', 'Policies', 'Endorsement'), {
      Type: 'ImplicitMeta',
      Rule: 'MAJORITY Endorsement',
    });
    assert.deepEqual(at(profile, 'Application', 'Policies', 'LifecycleEndorsement'), {
      Type: 'ImplicitMeta',
      Rule: 'MAJORITY Endorsement',
    });
  });

  it('cuts blocks after 250ms by default and takes an override', () => {
    assert.equal(at(profile, 'Orderer', 'BatchTimeout'), '250ms');
    const fast = at(
      buildConfigtx('/data', topology, { batchTimeout: '100ms' }),
      'Profiles',
      PROFILE,
      'Orderer',
      'BatchTimeout',
    );
    assert.equal(fast, '100ms');
  });

  it('declares an anchor peer per org for cross-org private data gossip', () => {
    const orgs = at(profile, 'Application', 'Organizations') as Dict[];
    assert.deepEqual(
      orgs.map((o) => (o.AnchorPeers as Dict[])[0]?.Port),
      topology.peers.map((p) => p.port),
    );
  });

  it('renders YAML that parses back to the same document', () => {
    assert.deepEqual(parse(configtxYaml('/data', topology)), buildConfigtx('/data', topology));
  });
});

describe('node configuration overrides', () => {
  const sampleCore =
    'peer:\n  id: jdoe\n  listenAddress: 0.0.0.0:7051\n  gateway:\n    enabled: false\nvm:\n  endpoint: unix:///var/run/docker.sock\nchaincode:\n  externalBuilders: []\n';

  it('keeps the sample and overrides only what KTalk sets', () => {
    const peer = topology.peers[0];
    assert.ok(peer);
    const out = parse(applyOverrides(sampleCore, peerOverrides('/data', topology, peer))) as Dict;
    assert.equal(at(out, 'peer', 'id'), 'peer0.org1');
    assert.equal(at(out, 'peer', 'listenAddress'), `127.0.0.1:${peer.port}`);
    assert.equal(at(out, 'peer', 'gateway', 'enabled'), true);
    assert.equal(at(out, 'vm', 'endpoint'), '', 'Docker must be disabled');
    const builders = at(out, 'chaincode', 'externalBuilders') as Dict[];
    assert.equal(builders[0]?.name, 'ktalk-ccaas');
    assert.equal(at(out, 'ledger', 'state', 'stateDatabase'), 'goleveldb');
  });

  it('binds every listener to 127.0.0.1 with TLS on', () => {
    const orderer = topology.orderers[0];
    assert.ok(orderer);
    const overrides = new Map(ordererOverrides('/data', topology, orderer).map(([k, v]) => [k.join('.'), v]));
    assert.equal(overrides.get('General.ListenAddress'), '127.0.0.1');
    assert.equal(overrides.get('General.TLS.Enabled'), true);
    assert.equal(overrides.get('Admin.TLS.ClientAuthRequired'), true);
    assert.equal(overrides.get('General.BootstrapMethod'), 'none');
    assert.equal(overrides.get('ChannelParticipation.Enabled'), true);
    assert.match(String(overrides.get('Operations.ListenAddress')), /^127\.0\.0\.1:/);
  });

  it('rejects a sample config that does not parse', () => {
    assert.throws(() => applyOverrides('a: [unclosed', []), /does not parse/);
  });
});

describe('private data collections', () => {
  it('shares message and item payloads between both orgs and never auto-expires them', () => {
    const collections = collectionsConfig(topology) as Dict[];
    assert.deepEqual(
      collections.map((c) => c.name),
      ['ktalkMessages', 'ktalkItems'],
    );
    for (const c of collections) {
      assert.equal(c.policy, "OR('Org1MSP.member', 'Org2MSP.member')");
      assert.equal(c.blockToLive, 0);
      assert.equal(c.memberOnlyRead, true);
    }
  });
});
