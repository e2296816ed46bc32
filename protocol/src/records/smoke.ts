import { z } from 'zod';

/** smoke|<noteId>: the smoke test's note. */
export const noteSchema = z.object({ owner: z.string(), text: z.string(), time: z.number().int(), txId: z.string() });
export type NoteRecord = z.infer<typeof noteSchema>;
