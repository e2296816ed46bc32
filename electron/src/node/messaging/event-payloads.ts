import { NAMED_EVENTS, type NamedEventName, type NamedEventPayload, taggedEventSchema } from '@ktalk/protocol';
import type { z } from 'zod';

// The chaincode events this client reads, each read with the protocol's
// payload schema for its name: the schema objects the chaincode's
// `ctx.emit` / `ctx.emitTagged` are typed from. A field the chaincode adds
// later is stripped, not refused, so old clients keep reading new events.

export { taggedEventSchema };

type NamesIn<Area extends string> = Extract<NamedEventName, `${Area}.${string}`>;

/** directory.*: whose entry changed (keys published, a key change requested or vetoed, disabled, enabled). */
export type DirectoryEventPayload = { readonly userId: string };
export type DirectoryEventName = NamesIn<'directory'>;

/** The sharing events the client acts on, by name. */
export const SHARING_EVENT_NAMES = [
  'sharing.AccessRequested',
  'sharing.AccessGranted',
  'sharing.GrantRevoked',
] as const;
export type SharingEventName = (typeof SHARING_EVENT_NAMES)[number];
export type SharingEvent = {
  [N in SharingEventName]: { readonly name: N; readonly payload: NamedEventPayload<N> };
}[SharingEventName];

/** payments.*: the parties and what moved, as one shape whose fields each event fills in part. */
export interface PaymentEventPayload {
  readonly paymentId?: string;
  readonly escrowId?: string;
  readonly from?: string;
  readonly to?: string;
  /** EscrowSettled only: how it settled. */
  readonly state?: NamedEventPayload<'payments.EscrowSettled'>['state'];
}
export type PaymentEventName = NamesIn<'payments'>;

export const isNamedIn =
  <Area extends string>(area: Area) =>
  (name: string): name is NamesIn<Area> =>
    name.startsWith(`${area}.`) && Object.hasOwn(NAMED_EVENTS, name);

/** A named event's payload read with its protocol schema, or null: not JSON, or not that event's shape. */
export function parseNamedPayload<N extends NamedEventName>(name: N, payload: Uint8Array): NamedEventPayload<N> | null {
  // zod's output type of the map's entry for N is NamedEventPayload<N>; TypeScript cannot see it through the index.
  return parsePayload(NAMED_EVENTS[name] as unknown as z.ZodType<NamedEventPayload<N>>, payload);
}

/** The payload's JSON read with its schema, or null: not JSON, or not this event's shape. */
export function parsePayload<T>(schema: z.ZodType<T>, payload: Uint8Array): T | null {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    return null;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
