import { randomBytes } from 'node:crypto';
import { common, msp } from '@hyperledger/fabric-protos';
import { type CrlSummary, crlsCover, parseCrl } from './crl';
import { AdminError } from './errors';

// Putting a CRL into an org's MSP definition in the channel configuration,
// computed in-process with Fabric's protobufs. This is what `configtxlator
// compute_update` does for the dev tooling (network/src/channel): a
// ConfigUpdate whose read set pins the versions of the elements on the
// path to the change and whose write set carries the changed MSP value at
// version + 1. The orderer checks the read set against the current config
// and the changed value's mod_policy (the org's Admins) against the
// signatures, so a stale update or a non-admin signer is refused there.

const APPLICATION = 'Application';
const MSP_VALUE = 'MSP';

export interface OrgMsp {
  readonly channelGroup: common.ConfigGroup;
  readonly application: common.ConfigGroup;
  readonly org: common.ConfigGroup;
  readonly mspValue: common.ConfigValue;
  readonly fabricMsp: msp.FabricMSPConfig;
}

export function decodeConfig(bytes: Uint8Array): common.Config {
  try {
    return common.Config.deserializeBinary(bytes);
  } catch (error) {
    throw new AdminError('INTERNAL', `the channel config does not decode (${(error as Error).message})`, error);
  }
}

/** The org's group and MSP definition in the channel's Application group. */
export function orgMspOf(config: common.Config, mspId: string): OrgMsp {
  const channelGroup = config.getChannelGroup();
  const application = channelGroup?.getGroupsMap().get(APPLICATION);
  const org = application?.getGroupsMap().get(mspId);
  const mspValue = org?.getValuesMap().get(MSP_VALUE);
  if (!channelGroup || !application || !org || !mspValue) {
    throw new AdminError('NOT_FOUND', `the channel config has no MSP for ${mspId} in ${APPLICATION}`);
  }
  const mspConfig = msp.MSPConfig.deserializeBinary(mspValue.getValue_asU8());
  // Type 0 is FABRIC (X.509); idemix MSPs have no revocation list of this kind.
  if (mspConfig.getType() !== 0) throw new AdminError('INTERNAL', `${mspId} is not an X.509 (FABRIC) MSP`);
  const fabricMsp = msp.FabricMSPConfig.deserializeBinary(mspConfig.getConfig_asU8());
  if (fabricMsp.getName() !== mspId)
    throw new AdminError('INTERNAL', `the MSP under ${mspId} is named ${fabricMsp.getName()}`);
  return { channelGroup, application, org, mspValue, fabricMsp };
}

/** The CRLs in the org's MSP in the channel, each summarised; unreadable ones are skipped. */
export function channelCrls(config: common.Config, mspId: string): CrlSummary[] {
  return orgMspOf(config, mspId)
    .fabricMsp.getRevocationListList_asU8()
    .flatMap((bytes) => {
      try {
        return [parseCrl(bytes)];
      } catch {
        return [];
      }
    });
}

/** True when the channel's CRLs for the org already revoke everything `crlPem` revokes. */
export function channelHasCrl(config: common.Config, mspId: string, crlPem: string): boolean {
  return crlsCover(channelCrls(config, mspId), parseCrl(crlPem));
}

const group = (version: number, build?: (g: common.ConfigGroup) => void): common.ConfigGroup => {
  const g = new common.ConfigGroup();
  g.setVersion(version);
  build?.(g);
  return g;
};

/**
 * The ConfigUpdate that replaces the org's revocation list with `crlPem`
 * (the CA's full CRL, a superset of any earlier one), or null when the
 * channel already covers it.
 */
export function crlConfigUpdate(
  config: common.Config,
  channelId: string,
  mspId: string,
  crlPem: string,
): common.ConfigUpdate | null {
  if (channelHasCrl(config, mspId, crlPem)) return null;
  const current = orgMspOf(config, mspId);
  const fabricMsp = msp.FabricMSPConfig.deserializeBinary(current.fabricMsp.serializeBinary());
  // Fabric keeps each CRL as its PEM bytes.
  fabricMsp.setRevocationListList([Buffer.from(crlPem, 'utf8')]);
  const mspConfig = new msp.MSPConfig();
  mspConfig.setType(0);
  mspConfig.setConfig(fabricMsp.serializeBinary());

  const mspVersion = current.mspValue.getVersion();
  const readValue = new common.ConfigValue();
  readValue.setVersion(mspVersion);
  const writeValue = new common.ConfigValue();
  writeValue.setVersion(mspVersion + 1);
  writeValue.setModPolicy(current.mspValue.getModPolicy());
  writeValue.setValue(mspConfig.serializeBinary());

  // Same path in both sets; only the MSP value's version moves.
  const tree = (value: common.ConfigValue) =>
    group(current.channelGroup.getVersion(), (channel) =>
      channel.getGroupsMap().set(
        APPLICATION,
        group(current.application.getVersion(), (application) =>
          application.getGroupsMap().set(
            mspId,
            group(current.org.getVersion(), (org) => org.getValuesMap().set(MSP_VALUE, value)),
          ),
        ),
      ),
    );
  const update = new common.ConfigUpdate();
  update.setChannelId(channelId);
  update.setReadSet(tree(readValue));
  update.setWriteSet(tree(writeValue));
  return update;
}

/** Signs a digest (SHA-256 of the message) with the admin's key, low-S DER as Fabric demands. */
export type DigestSigner = (message: Uint8Array) => Promise<Uint8Array>;

export interface Signer {
  readonly mspId: string;
  readonly certificatePem: string;
  readonly sign: DigestSigner;
}

/** Who signs and a fresh nonce: the header of anything an identity submits to the orderers. */
export function signatureHeader(signer: Pick<Signer, 'mspId' | 'certificatePem'>): common.SignatureHeader {
  const creator = new msp.SerializedIdentity();
  creator.setMspid(signer.mspId);
  creator.setIdBytes(Buffer.from(signer.certificatePem, 'utf8'));
  const header = new common.SignatureHeader();
  header.setCreator(creator.serializeBinary());
  header.setNonce(randomBytes(24));
  return header;
}

const concat = (...parts: Uint8Array[]) => Buffer.concat(parts.map((p) => Buffer.from(p)));

/**
 * The signed CONFIG_UPDATE envelope: the update with this admin's config
 * signature (signature header + update bytes), wrapped in a payload the
 * same admin signs as the submitter.
 */
export async function signedConfigUpdateEnvelope(
  update: common.ConfigUpdate,
  signer: Signer,
): Promise<common.Envelope> {
  const updateBytes = update.serializeBinary();
  const configHeader = signatureHeader(signer).serializeBinary();
  const configSignature = new common.ConfigSignature();
  configSignature.setSignatureHeader(configHeader);
  configSignature.setSignature(await signer.sign(concat(configHeader, updateBytes)));
  const updateEnvelope = new common.ConfigUpdateEnvelope();
  updateEnvelope.setConfigUpdate(updateBytes);
  updateEnvelope.setSignaturesList([configSignature]);

  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.CONFIG_UPDATE);
  channelHeader.setChannelId(update.getChannelId());
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader(signer).serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(updateEnvelope.serializeBinary());
  const payloadBytes = payload.serializeBinary();
  const envelope = new common.Envelope();
  envelope.setPayload(payloadBytes);
  envelope.setSignature(await signer.sign(payloadBytes));
  return envelope;
}
