import { z } from 'zod';
import type { Actor } from '../../lib/actor';
import { describeIssues } from '../../lib/sockets/protocol';
import { yardIdSchema, type YardSummary } from '../../lib/yard/model';
import { HttpError } from '../http/errors';
import type { Yards } from './yards';

const groupList = z.array(z.string().min(1).max(253)).max(50);
const title = z.string().trim().min(1).max(100);

export const createYardSchema = z
  .object({ id: yardIdSchema, title: title.optional(), editGroups: groupList.min(1), viewGroups: groupList.optional() })
  .strict();
export const renameYardSchema = z.object({ title }).strict();

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new HttpError(400, describeIssues(parsed.error));
  return parsed.data;
}


export const listYards = (yards: Yards, actor: Actor): Promise<YardSummary[]> => yards.catalog.list(actor);

export function yardOf(yards: Yards, actor: Actor, id: string): Promise<YardSummary> {
  if (!yardIdSchema.safeParse(id).success) throw new HttpError(400, `"${id}" is not a yard id`);
  return yards.catalog.resolve(id, actor);
}

export function createYard(yards: Yards, actor: Actor, body: unknown): Promise<YardSummary> {
  const input = parse(createYardSchema, body);
  return yards.create(actor, { id: input.id, title: input.title ?? input.id, editGroups: input.editGroups, viewGroups: input.viewGroups ?? [] });
}

export function renameYard(yards: Yards, actor: Actor, id: string, body: unknown): Promise<YardSummary> {
  const input = parse(renameYardSchema, body);
  return yards.rename(actor, id, input.title);
}

export function deleteYard(yards: Yards, actor: Actor, id: string): Promise<YardSummary> {
  if (!yardIdSchema.safeParse(id).success) throw new HttpError(400, `"${id}" is not a yard id`);
  return yards.remove(actor, id);
}
