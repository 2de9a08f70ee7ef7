import bcrypt from "bcryptjs";

/** bcrypt (cost 10) via bcryptjs: a well-kept, dependency-free implementation. */
export function hashPassword(plain: string): Promise<string> {
  return bcrypt.hash(plain, 10);
}

export function verifyPassword(plain: string, hash: string): Promise<boolean> {
  return bcrypt.compare(plain, hash);
}
