import { z } from 'zod';
import { SETTLED_STATES } from './settled-escrows';

// The chaincode events this client reads, each payload's schema once (the
// chaincode's `ctx.emit` / `ctx.emitTagged` calls write them). Schemas are
// lenient about fields the client does not read, so a chaincode that adds
// one does not make its events unreadable here.

/** messages.* and groups.*: only the caller's tag, which members recognise (shared/event-tag.ts). */
export const taggedEventSchema = z.object({ tag: z.string() });

/** directory.*: whose entry changed (KeyChangeRequested, KeyChangeVetoed, KeysPublished, UserDisabled, UserEnabled). */
export const directoryEventSchema = z.object({ userId: z.string() });
export type DirectoryEventPayload = z.infer<typeof directoryEventSchema>;

export const accessRequestedSchema = z.object({ itemId: z.string(), accessor: z.string().optional() });
/** A grantee that is a group is left out of the event (naming the conversation would leak membership). */
export const accessGrantedSchema = z.object({
  itemId: z.string(),
  grantId: z.string(),
  granteeUserId: z.string().optional(),
  grantor: z.string().optional(),
  /** Written as a string by the chaincode. */
  expiresAt: z.union([z.string(), z.number()]).optional(),
});
export const grantRevokedSchema = z.object({ grantId: z.string() });

/** The sharing events the client acts on, by name. */
export const SHARING_EVENTS = {
  'sharing.AccessRequested': accessRequestedSchema,
  'sharing.AccessGranted': accessGrantedSchema,
  'sharing.GrantRevoked': grantRevokedSchema,
} as const;
export type SharingEventName = keyof typeof SHARING_EVENTS;
export type SharingEvent = {
  [N in SharingEventName]: { readonly name: N; readonly payload: z.infer<(typeof SHARING_EVENTS)[N]> };
}[SharingEventName];

/** payments.* (Minted, Transferred, EscrowCreated, EscrowSettled): the parties and what moved. */
export const paymentEventSchema = z.object({
  paymentId: z.string().optional(),
  escrowId: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  /** EscrowSettled only; a state this client does not know is not a settlement it shows. */
  state: z.string().optional(),
});
export type PaymentEventPayload = z.infer<typeof paymentEventSchema>;

export const settledStateSchema = z.enum(SETTLED_STATES);

/** The payload's JSON read with its schema, or null: not JSON, or not this event's shape. */
export function parsePayload<S extends z.ZodType>(schema: S, payload: Uint8Array): z.infer<S> | null {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    return null;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
