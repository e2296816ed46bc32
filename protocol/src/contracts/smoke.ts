import { z } from 'zod';
import { id, strictObject } from '../primitives';
import { noteSchema } from '../records/smoke';

// smoke contract (the network's smoke test) and bench contract (the
// network benchmark's bare PutState, served only with KTALK_BENCH_CONTRACT=on).

export const BENCH_MAX_VALUE_CHARS = 4096;

export const smokeRequests = {
  PutNote: strictObject({ noteId: id, text: z.string().max(256) }),
  GetNote: strictObject({ noteId: id }),
};

export const benchRequests = {
  Put: strictObject({ key: id, value: z.string().max(BENCH_MAX_VALUE_CHARS) }),
};

export const benchPutSchema = z.object({ key: z.string() });
export { noteSchema };
