// What KTalk runs on. Fabric's module path has no /v3 suffix, so its v3 tags
// cannot be required; the release commit is pinned as a pseudo-version.
export interface GoComponent {
  readonly name: string;
  readonly version: string;
  readonly module: string;
  readonly moduleVersion: string;
  /** Package path (relative to the module) → binary name. */
  readonly commands: Readonly<Record<string, string>>;
  readonly ldflags: (version: string) => string[];
  readonly cgo: boolean;
  readonly tags?: string;
}

export const FABRIC: GoComponent = {
  name: 'fabric',
  version: '3.1.5',
  module: 'github.com/hyperledger/fabric',
  moduleVersion: 'v1.4.0-rc1.0.20260618074816-86c1172bec37',
  commands: {
    'cmd/peer': 'peer',
    'cmd/orderer': 'orderer',
    'cmd/osnadmin': 'osnadmin',
    'cmd/configtxgen': 'configtxgen',
    'cmd/configtxlator': 'configtxlator',
  },
  ldflags: (version) => [
    `-X github.com/hyperledger/fabric/common/metadata.Version=${version}`,
    `-X github.com/hyperledger/fabric/common/metadata.CommitSHA=86c1172`,
  ],
  cgo: false,
};

export const FABRIC_COMMIT = '86c1172bec37e6590c6b1ae6f847833df48d65fc';

export const FABRIC_CA: GoComponent = {
  name: 'fabric-ca',
  version: '1.5.21',
  module: 'github.com/hyperledger/fabric-ca',
  moduleVersion: 'v1.5.21',
  commands: {
    'cmd/fabric-ca-server': 'fabric-ca-server',
    'cmd/fabric-ca-client': 'fabric-ca-client',
  },
  ldflags: (version) => [`-X github.com/hyperledger/fabric-ca/lib/metadata.Version=${version}`],
  // fabric-ca-server's SQLite driver needs cgo.
  cgo: true,
};

/** The binary whose `version` output proves which release a directory holds. */
export const VERSION_PROBE: Readonly<Record<string, string>> = {
  fabric: 'peer',
  'fabric-ca': 'fabric-ca-server',
};

/** Parses the "Version: x.y.z" line that Fabric's and Fabric CA's CLIs print. */
export function parseVersionOutput(output: string): string | null {
  const match = /^\s*Version:\s*v?(\d+\.\d+\.\d+(?:[-+][\w.-]+)?)\s*$/m.exec(output);
  return match?.[1] ?? null;
}
