import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NetworkError } from '../errors';
import { run } from '../exec';
import type { CaNode } from '../topology';
import { bootstrapSecret, caPaths, caUrl } from './ca-server';

// Thin wrapper over the fabric-ca-client CLI: the network tooling uses the
// same binary an operator would, so what it does can be repeated by hand.

export type IdentityType = 'peer' | 'orderer' | 'client' | 'admin';

export interface Registration {
  readonly name: string;
  readonly type: IdentityType;
  /** e.g. { 'ktalk.role': 'staff' }; each is put in the enrollment certificate. */
  readonly attrs?: Readonly<Record<string, string>>;
  /** What the identity may do at the CA itself (hf.Registrar.Roles, hf.Revoker, ...); kept out of the certificate. */
  readonly caAttrs?: Readonly<Record<string, string>>;
  /** Becomes an OU of the certificate (the CA must know the affiliation). */
  readonly affiliation?: string;
}

export class CaCli {
  constructor(
    private readonly binDir: string,
    private readonly dataDir: string,
    private readonly ca: CaNode,
  ) {}

  private get adminHome(): string {
    return path.join(caPaths(this.dataDir, this.ca).home, 'registrar');
  }

  private async exec(args: string[], home: string): Promise<string> {
    const result = await run(
      path.join(this.binDir, 'fabric-ca-client'),
      [...args, '--caname', this.ca.name, '--tls.certfiles', caPaths(this.dataDir, this.ca).caCert, '--home', home],
      { timeoutMs: 60_000 },
    );
    if (result.code !== 0) {
      throw new NetworkError(
        `fabric-ca-client ${args[0]} against ${this.ca.name} failed: ${lastLine(result.stderr)}`,
        `is ${this.ca.name} running? check npm run network:status`,
      );
    }
    return result.stdout + result.stderr;
  }

  async enrollRegistrar(): Promise<void> {
    const secret = await bootstrapSecret(caPaths(this.dataDir, this.ca));
    await mkdir(this.adminHome, { recursive: true });
    await this.exec(['enroll', '-u', withCredentials(caUrl(this.ca), 'admin', secret)], this.adminHome);
  }

  /** Adds an affiliation unless the CA has it already. */
  async ensureAffiliation(name: string): Promise<void> {
    const list = await this.exec(['affiliation', 'list', '-u', caUrl(this.ca)], this.adminHome);
    if (new RegExp(`^\\s*affiliation: ${name}\\s*$`, 'm').test(list)) return;
    await this.exec(['affiliation', 'add', name, '-u', caUrl(this.ca)], this.adminHome);
  }

  /** Registers the identity (idempotent) and returns its enrollment secret. */
  async register(registration: Registration, secretStore: SecretStore): Promise<string> {
    const existing = await secretStore.get(this.ca.name, registration.name);
    if (existing) return existing;
    const secret = randomBytes(15).toString('base64url');
    const attrs = [
      ...Object.entries(registration.attrs ?? {}).map(([k, v]) => cliAttr(k, v, true)),
      ...Object.entries(registration.caAttrs ?? {}).map(([k, v]) => cliAttr(k, v, false)),
    ].join(',');
    const args = [
      'register',
      '-u',
      caUrl(this.ca),
      '--id.name',
      registration.name,
      '--id.secret',
      secret,
      '--id.type',
      registration.type,
    ];
    if (attrs !== '') args.push('--id.attrs', attrs);
    if (registration.affiliation) args.push('--id.affiliation', registration.affiliation);
    await this.exec(args, this.adminHome);
    await secretStore.set(this.ca.name, registration.name, secret);
    return secret;
  }

  async enroll(
    name: string,
    secret: string,
    mspDir: string,
    options: { tls?: boolean; hosts?: string[] } = {},
  ): Promise<void> {
    const args = ['enroll', '-u', withCredentials(caUrl(this.ca), name, secret), '--mspdir', mspDir];
    if (options.tls) args.push('--enrollment.profile', 'tls');
    if (options.hosts) args.push('--csr.hosts', options.hosts.join(','));
    await mkdir(mspDir, { recursive: true });
    await this.exec(args, path.dirname(mspDir));
  }

  /** Revokes every certificate of the identity; returns the CA's fresh CRL (PEM) listing all it has revoked. */
  async revoke(name: string, reason = 'keycompromise'): Promise<string> {
    // Revoking an already revoked identity succeeds with nothing revoked.
    await this.exec(['revoke', '-u', caUrl(this.ca), '--revoke.name', name, '--revoke.reason', reason], this.adminHome);
    // A separate gencrl: revoke's own --gencrl writes an empty file when nothing new was revoked.
    await this.exec(['gencrl', '-u', caUrl(this.ca)], this.adminHome);
    const crl = await readFile(path.join(this.adminHome, 'msp', 'crls', 'crl.pem'), 'utf8');
    if (!crl.includes('BEGIN X509 CRL')) throw new NetworkError(`${this.ca.name} returned no CRL`);
    return crl;
  }
}

// --id.attrs is read as CSV: a value holding commas (a list) must be quoted.
function cliAttr(name: string, value: string, ecert: boolean): string {
  const text = `${name}=${value}${ecert ? ':ecert' : ''}`;
  return value.includes(',') ? `"${text}"` : text;
}

// fabric-ca-client wants the URL without a trailing slash.
function withCredentials(url: string, name: string, secret: string): string {
  return url.replace('://', `://${encodeURIComponent(name)}:${encodeURIComponent(secret)}@`);
}

function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(-1)[0] ?? '(no output)'
  );
}

/** Enrollment secrets the tooling generated, kept in the data dir with mode 0600. */
export class SecretStore {
  constructor(private readonly file: string) {}

  private async load(): Promise<Record<string, string>> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as Record<string, string>;
    } catch {
      return {};
    }
  }

  async get(caName: string, id: string): Promise<string | undefined> {
    return (await this.load())[`${caName}/${id}`];
  }

  async set(caName: string, id: string, secret: string): Promise<void> {
    const all = await this.load();
    all[`${caName}/${id}`] = secret;
    await mkdir(path.dirname(this.file), { recursive: true });
    await writeFile(this.file, JSON.stringify(all, null, 2), { mode: 0o600 });
  }
}

/** fabric-ca-client names the key file by its SKI; Fabric configs want fixed names. */
export async function normaliseTlsDir(mspDir: string, outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const [key] = await readdir(path.join(mspDir, 'keystore'));
  const [ca] = await readdir(path.join(mspDir, 'tlscacerts'));
  if (!key || !ca) throw new NetworkError(`TLS enrollment in ${mspDir} is incomplete`);
  await rename(path.join(mspDir, 'keystore', key), path.join(outDir, 'server.key'));
  await rename(path.join(mspDir, 'signcerts', 'cert.pem'), path.join(outDir, 'server.crt'));
  await rename(path.join(mspDir, 'tlscacerts', ca), path.join(outDir, 'ca.crt'));
}
