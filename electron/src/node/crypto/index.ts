// The client's end-to-end crypto layer. Everything here runs in the
// privileged Node process; secret keys never cross into the renderer.

export {
  ATTACHMENT_KEY_BYTES,
  DEFAULT_CHUNK_BYTES,
  decryptAttachment,
  encryptAttachment,
  type ByteSink,
  type ByteSource,
  type DecryptedAttachment,
  type EncryptedAttachment,
} from './attachments';
export { decryptAttachmentFile, encryptAttachmentFile } from './attachment-files';
export { CONTENT_NONCE_BYTES, EPOCH_KEY_BYTES, type MessageContext } from './content';
export {
  openEnvelope,
  sealEnvelope,
  type KeyAt,
  type OpenEnvelopeInput,
  type SealedEnvelope,
  type SealEnvelopeInput,
} from './envelope';
export { CryptoError, isCryptoError, type CryptoErrorCode } from './errors';
export { sealedBoxGroupKeys, type GroupKeyProvider, type GroupMember, type NewEpochKey } from './group-keys';
export {
  generateIdentity,
  publicIdentity,
  publishKeysRequest,
  type Identity,
  type KeyPair,
  type PublicIdentity,
} from './identity';
export { rotationStatement, signStatement, vetoStatement, type PublishedKeyPair } from './key-continuity';
export { WRAPPED_KEY_BYTES } from './key-wrap';
export { safetyNumber, type SafetyNumberParty } from './safety-number';
export { SIGNATURE_BYTES } from './signature';
