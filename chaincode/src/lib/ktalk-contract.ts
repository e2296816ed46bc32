import { Contract } from 'fabric-contract-api';
import { KTalkContext } from './context';

/** Base for every KTalk contract: transactions receive a KTalkContext. */
export abstract class KTalkContract extends Contract {
  override createContext(): KTalkContext {
    return new KTalkContext();
  }
}
