import type { Database } from "./database.ts";

export interface UserRecord {
  id: string;
  name: string;
  guest: boolean;
}

const publicFields = { id: true, name: true, guest: true } as const;

export function createGuestUser(db: Database, name: string): Promise<UserRecord> {
  return db.prisma.user.create({ data: { name, guest: true }, select: publicFields });
}

export function findUser(db: Database, id: string): Promise<UserRecord | null> {
  return db.prisma.user.findUnique({ where: { id }, select: publicFields });
}
