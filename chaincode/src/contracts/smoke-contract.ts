import { Info, Transaction } from 'fabric-contract-api';
import { noteSchema } from '@ktalk/protocol';
// A value import: fabric-contract-api recognises ctx by its emitted design:paramtypes.
import { KTalkContext } from '../lib/context';
import { forbidden } from '../lib/errors';
import { KTalkContract } from '../lib/ktalk-contract';
import { key, mustReadJson, readJson, writeJson } from '../lib/state';
import { parseTransactionRequest } from '../lib/validate';

/** The first end-to-end path: a write, a read back, and an event. */
@Info({ title: 'SmokeContract', description: 'Network health check: write, read, event' })
export class SmokeContract extends KTalkContract {
  constructor() {
    super('smoke');
  }

  @Transaction()
  async PutNote(ctx: KTalkContext, request: string): Promise<string> {
    const req = parseTransactionRequest('smoke', 'PutNote', request);
    const caller = await ctx.activeCaller();
    const noteKey = key('smoke', req.noteId);
    // A note belongs to whoever wrote it first; only they may overwrite it.
    const existing = await readJson(ctx, noteKey, noteSchema);
    if (existing && existing.owner !== caller.userId) throw forbidden(`note ${req.noteId} belongs to someone else`);
    const note = { owner: caller.userId, text: req.text, time: ctx.now(), txId: ctx.stub.getTxID() };
    await writeJson(ctx, noteKey, note);
    await ctx.audit({ action: 'smoke.putNote', target: `note:${req.noteId}`, detail: existing ? 'overwrite' : 'new' });
    ctx.emit('smoke.NotePut', { noteId: req.noteId, owner: caller.userId });
    return JSON.stringify(note);
  }

  @Transaction(false)
  async GetNote(ctx: KTalkContext, request: string): Promise<string> {
    const req = parseTransactionRequest('smoke', 'GetNote', request);
    ctx.caller();
    return JSON.stringify(await mustReadJson(ctx, key('smoke', req.noteId), noteSchema, 'note'));
  }
}
