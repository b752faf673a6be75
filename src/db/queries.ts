/**
 * Raw SQL as tagged templates: the pool (`db.sql`), one of its connections inside a transaction,
 * or Prisma's client or an open transaction of it, which have the same two methods.
 */
export interface Queries {
  $queryRaw<T = unknown>(query: TemplateStringsArray, ...values: unknown[]): Promise<T>;
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): Promise<number>;
}
