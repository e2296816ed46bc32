// Sharing service: encrypted items, grants, access history, message attachments.
export { accessHistory, grantAccess, listGrants, listMyItems, openItem, revokeGrant, shareItem } from './service';
export {
  ATTACHMENT_GRANT_EXPIRES_AT,
  attachmentRefSchema,
  downloadAttachment,
  uploadAttachment,
  uploadAttachments,
  type AttachmentRef,
} from './attachments';
export { ServiceError, isServiceError } from './errors';
export { LEGACY_ITEMS_FILE, importLegacyItemsFile, myItemsIn, type MyItems } from './my-items';
export { GROUP_WRAP_INFO } from './item-keys';
