import { z } from 'zod';
import { bookmark, exactBase64, id, pageSize, strictObject, timestampMs, userIdSchema } from '../primitives';
import { keyHistorySchema, userRecordSchema } from '../records/directory';

// directory contract: requests and answers.

export const userOnlyRequest = strictObject({ userId: userIdSchema });

export const directoryRequests = {
  PublishKeys: strictObject({
    encryptionKey: exactBase64(32),
    signingKey: exactBase64(32),
    signature: exactBase64(64).optional(),
  }),
  VetoKeyChange: strictObject({ signature: exactBase64(64) }),
  ApproveKeyChange: userOnlyRequest,
  CompleteKeyChange: userOnlyRequest,
  GetUser: userOnlyRequest,
  GetKeysAt: strictObject({ userId: userIdSchema, at: timestampMs }),
  ListOrgDirectory: strictObject({ mspId: id, pageSize: pageSize.optional(), bookmark: bookmark.optional() }),
  DisableUser: userOnlyRequest,
  EnableUser: userOnlyRequest,
};

export const keysAtSchema = keyHistorySchema.extend({ userId: z.string() });
export const directoryPageSchema = z.object({ users: z.array(userRecordSchema), bookmark: z.string().optional() });
