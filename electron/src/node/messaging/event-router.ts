import type { ChaincodeEvent } from '@hyperledger/fabric-gateway';
import {
  type DirectoryEventName,
  type DirectoryEventPayload,
  type PaymentEventName,
  type PaymentEventPayload,
  SHARING_EVENT_NAMES,
  type SharingEvent,
  type SharingEventName,
  isNamedIn,
  parseNamedPayload,
  parsePayload,
  taggedEventSchema,
} from './event-payloads';

// Every chaincode event the stream delivers comes here first: its payload is
// read with the schema of its kind, and it goes to the one module that owns
// it. A payload that does not fit its schema is not an event this client
// reads; a handler's failure is its own (the stream goes on).

export interface EventHandlers {
  /** messages.*: something was posted, deleted or purged in some conversation. */
  message(event: ChaincodeEvent): void;
  /** groups.*: a membership, role, key or policy change in some conversation. */
  membership(event: ChaincodeEvent): Promise<void>;
  /** directory.*: someone's directory entry (keys, status) changed. */
  directory(eventName: DirectoryEventName, payload: DirectoryEventPayload): Promise<void>;
  sharing(event: SharingEvent): void;
  payment(eventName: PaymentEventName, payload: PaymentEventPayload): Promise<void>;
}

export class EventRouter {
  constructor(private readonly handlers: EventHandlers) {}

  async route(event: ChaincodeEvent): Promise<void> {
    const [area] = event.eventName.split('.');
    switch (area) {
      case 'messages':
        if (parsePayload(taggedEventSchema, event.payload)) this.handlers.message(event);
        return;
      case 'groups':
        if (parsePayload(taggedEventSchema, event.payload)) await this.handlers.membership(event);
        return;
      case 'directory': {
        const name = event.eventName;
        const payload = isDirectoryEvent(name) ? parseNamedPayload(name, event.payload) : null;
        if (isDirectoryEvent(name) && payload) await this.handlers.directory(name, payload).catch(() => undefined);
        return;
      }
      case 'sharing': {
        const sharing = sharingEvent(event);
        if (sharing) {
          try {
            this.handlers.sharing(sharing);
          } catch {
            // Its own failure: the next event is read all the same.
          }
        }
        return;
      }
      case 'payments': {
        const name = event.eventName;
        const payload = isPaymentEvent(name) ? parseNamedPayload(name, event.payload) : null;
        if (isPaymentEvent(name) && payload) await this.handlers.payment(name, payload).catch(() => undefined);
        return;
      }
      default:
        return;
    }
  }
}

const isDirectoryEvent = isNamedIn('directory');
const isPaymentEvent = isNamedIn('payments');

function isSharingEventName(name: string): name is SharingEventName {
  return (SHARING_EVENT_NAMES as readonly string[]).includes(name);
}

function sharingEvent(event: ChaincodeEvent): SharingEvent | null {
  const name = event.eventName;
  if (!isSharingEventName(name)) return null;
  switch (name) {
    case 'sharing.AccessRequested': {
      const payload = parseNamedPayload(name, event.payload);
      return payload ? { name, payload } : null;
    }
    case 'sharing.AccessGranted': {
      const payload = parseNamedPayload(name, event.payload);
      return payload ? { name, payload } : null;
    }
    case 'sharing.GrantRevoked': {
      const payload = parseNamedPayload(name, event.payload);
      return payload ? { name, payload } : null;
    }
  }
}
