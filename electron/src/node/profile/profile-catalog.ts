import path from 'node:path';
import type { ProfileSummary } from '../../common/api';
import { type ConnectionProfile, ProfileError, parseConnectionProfile } from '../../common/connection-profile';
import { writeFileAtomic } from '../fs/atomic-file';
import { listImportedProfiles, loadImportedProfile, loadProfile, profilesDir } from './profile-files';

// The profiles one app knows: the development network's (when its file
// exists) and the ones the person imported, by name. The dev profile wins a
// name clash, so an import can never shadow it.

export interface ProfileCatalog {
  /** The development network's profile file. */
  readonly devProfilePath: string;
  readonly appDataDir: string;
}

export function summaryOf(profile: ConnectionProfile): ProfileSummary {
  return {
    name: profile.name,
    channel: profile.channel,
    organizations: profile.organizations.map((o) => ({ mspId: o.mspId, name: o.mspId.replace(/MSP$/, '') })),
  };
}

export async function profileNamed(catalog: ProfileCatalog, name: string): Promise<ConnectionProfile> {
  const dev = await loadProfile(catalog.devProfilePath).catch(() => null);
  if (dev && dev.name === name) return dev;
  return loadImportedProfile(name, catalog.appDataDir);
}

export async function listProfileSummaries(catalog: ProfileCatalog): Promise<ProfileSummary[]> {
  const out: ProfileSummary[] = [];
  const dev = await loadProfile(catalog.devProfilePath).catch(() => null);
  if (dev) out.push(summaryOf(dev));
  for (const name of await listImportedProfiles(catalog.appDataDir)) {
    if (dev && name === dev.name) continue;
    out.push(summaryOf(await loadImportedProfile(name, catalog.appDataDir)));
  }
  return out;
}

/** Stores a profile the person pasted or picked, under the name they gave; the file must name itself the same. */
export async function importProfileText(catalog: ProfileCatalog, name: string, json: string): Promise<ProfileSummary> {
  const profile = parseConnectionProfile(json);
  if (profile.name !== name) throw new ProfileError('BAD_FIELD', `the file names itself ${profile.name}`, 'name');
  await writeFileAtomic(
    path.join(profilesDir(catalog.appDataDir), `${name}.json`),
    `${JSON.stringify(profile, null, 2)}\n`,
  );
  return summaryOf(profile);
}
