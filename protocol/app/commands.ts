/** Commands as the control room's ledger keeps them. */
import { z } from 'zod';
import { CommandState, ParamValue } from '../farm-api.ts';

export const LedgerState = z.union([CommandState, z.enum(['sending', 'unknown'])]);
export type LedgerState = z.infer<typeof LedgerState>;

export const LedgerCommand = z.object({
  id: z.string(),
  farmId: z.string(),
  farmName: z.string(),
  action: z.string(),
  target: z.string(),
  params: z.record(z.string(), ParamValue),
  requestedBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  state: LedgerState,
  reason: z.string().nullable(),
  history: z.array(z.object({ state: LedgerState, at: z.string(), reason: z.string().optional() })),
});
export type LedgerCommand = z.infer<typeof LedgerCommand>;

export const CommandFilter = z.object({
  farmId: z.string().max(100).optional(),
  requestedBy: z.string().max(200).optional(),
  from: z.number().int().optional(),
  to: z.number().int().optional(),
  limit: z.number().int().min(1).max(1000).default(200),
});

/** A parameter value as the page may send it: the wire's, with strings capped at the app's edge. */
export const ParamInputValue = z.union([z.number(), z.string().max(200), z.boolean()]);
