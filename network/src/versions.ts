// What KTalk runs on. Fabric's module path has no /v3 suffix, so its v3 tags
// cannot be required; the release commit is pinned as a pseudo-version.
// 3.1.1 is the newest Fabric release the Go module proxy serves to us.
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
  /** Release binaries KTalk also runs (FABRIC_BIN or PATH), besides the pinned build. */
  readonly accepts: (found: string) => boolean;
  /** What `accepts` allows, for messages. */
  readonly acceptsText: string;
}

/** Same major.minor, patch at least `min`'s: e.g. any 3.1.x from 3.1.1 on. */
export function samePatchLineAtLeast(min: string): (found: string) => boolean {
  const [major, minor, patch] = min.split('.').map(Number);
  return (found) => {
    const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(found);
    return m !== null && Number(m[1]) === major && Number(m[2]) === minor && Number(m[3]) >= (patch ?? 0);
  };
}

export const FABRIC: GoComponent = {
  name: 'fabric',
  version: '3.1.1',
  module: 'github.com/hyperledger/fabric',
  moduleVersion: 'v1.4.0-rc1.0.20250510200036-435a7f1a780a',
  commands: {
    'cmd/peer': 'peer',
    'cmd/orderer': 'orderer',
    'cmd/osnadmin': 'osnadmin',
    'cmd/configtxgen': 'configtxgen',
    'cmd/configtxlator': 'configtxlator',
  },
  ldflags: (version) => [
    `-X github.com/hyperledger/fabric/common/metadata.Version=${version}`,
    `-X github.com/hyperledger/fabric/common/metadata.CommitSHA=435a7f1`,
  ],
  cgo: false,
  accepts: samePatchLineAtLeast('3.1.1'),
  acceptsText: 'Fabric 3.1.x, 3.1.1 or newer',
};

export const FABRIC_COMMIT = '435a7f1a780a128756fb2f72bf4cad164bf13fbb';

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
  accepts: samePatchLineAtLeast('1.5.21'),
  acceptsText: 'Fabric CA 1.5.x, 1.5.21 or newer',
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
