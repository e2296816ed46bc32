import { X509Certificate } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import {
  type ConnectionProfile,
  DEV_PROFILE_RELATIVE_PATH,
  MAX_PROFILE_BYTES,
  ProfileError,
  certificatePemBlocks,
  parseConnectionProfile,
} from '../../common/connection-profile';
import { writeFileAtomic } from '../fs/atomic-file';

// Connection profiles on disk: the dev network's (written by network:up),
// and copies the user imported into the app's data dir. Every load goes
// through the same checks, so a profile is trusted only once validated.

/** Repository root when running from build/electron/src/node/profile (dev and tests). */
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..', '..');

/** Where `npm run network:up` leaves the dev network's profile. */
export const DEV_PROFILE_PATH = path.join(REPO_ROOT, DEV_PROFILE_RELATIVE_PATH);

/** The profile the app uses unless told otherwise: KTALK_CONNECTION_PROFILE, else the dev network's. */
export function defaultProfilePath(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.KTALK_CONNECTION_PROFILE || DEV_PROFILE_PATH);
}

/** The app's own data (wallet, imported profiles) in plain Node; the Electron shell passes userData instead. */
export function defaultAppDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KTALK_APP_DATA) return path.resolve(env.KTALK_APP_DATA);
  return path.join(env.XDG_CONFIG_HOME || path.join(homedir(), '.config'), 'ktalk');
}

export const profilesDir = (appDataDir: string) => path.join(appDataDir, 'profiles');

/** Syntax was checked by the schema; here every certificate must also parse and be a CA certificate. */
export function checkProfileCertificates(profile: ConnectionProfile): void {
  const roots: Array<[string, string]> = [
    ...profile.organizations.flatMap((org, i): Array<[string, string]> => [
      [`organizations.${i}.gateway.tlsRootCertificate`, org.gateway.tlsRootCertificate],
      [`organizations.${i}.ca.tlsRootCertificate`, org.ca.tlsRootCertificate],
    ]),
    ...(profile.orderers ?? []).map((o, i): [string, string] => [
      `orderers.${i}.tlsRootCertificate`,
      o.tlsRootCertificate,
    ]),
  ];
  for (const [field, pem] of roots) {
    for (const block of certificatePemBlocks(pem)) {
      let cert: X509Certificate;
      try {
        cert = new X509Certificate(block);
      } catch (error) {
        throw new ProfileError('BAD_PEM', `${field}: not an X.509 certificate (${(error as Error).message})`, field);
      }
      if (!cert.ca) throw new ProfileError('BAD_PEM', `${field}: ${cert.subject} is not a CA certificate`, field);
    }
  }
}

async function readProfileText(file: string): Promise<string> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new ProfileError('UNREADABLE', `${file} is not a file`);
    if (info.size > MAX_PROFILE_BYTES)
      throw new ProfileError('TOO_LARGE', `${file} is over ${MAX_PROFILE_BYTES} bytes`);
    return await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof ProfileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ProfileError(
        'NOT_FOUND',
        `no connection profile at ${file} (run npm run network:up, or import your organisation's profile)`,
      );
    }
    throw new ProfileError('UNREADABLE', `${file}: ${(error as Error).message}`);
  }
}

/** Reads and fully validates one profile file. */
export async function loadProfile(file: string): Promise<ConnectionProfile> {
  const profile = parseConnectionProfile(await readProfileText(file));
  checkProfileCertificates(profile);
  return profile;
}

/** Validates a profile file and stores a copy in the app's data dir under the profile's name (replacing an older one). */
export async function importProfile(
  file: string,
  appDataDir: string = defaultAppDataDir(),
): Promise<{ profile: ConnectionProfile; storedAt: string }> {
  const profile = await loadProfile(file);
  const storedAt = path.join(profilesDir(appDataDir), `${profile.name}.json`);
  // Stored as re-serialised validated data, never the raw bytes.
  await writeFileAtomic(storedAt, `${JSON.stringify(profile, null, 2)}\n`, 0o600);
  return { profile, storedAt };
}

/** A profile imported earlier, by name. */
export async function loadImportedProfile(
  name: string,
  appDataDir: string = defaultAppDataDir(),
): Promise<ConnectionProfile> {
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(name)) throw new ProfileError('BAD_FIELD', `bad profile name ${name}`);
  const profile = await loadProfile(path.join(profilesDir(appDataDir), `${name}.json`));
  if (profile.name !== name) throw new ProfileError('BAD_FIELD', `stored profile ${name} names itself ${profile.name}`);
  return profile;
}

/** Names of the imported profiles. */
export async function listImportedProfiles(appDataDir: string = defaultAppDataDir()): Promise<string[]> {
  try {
    const files = await readdir(profilesDir(appDataDir));
    return files
      .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
      .map((f) => f.slice(0, -'.json'.length))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
