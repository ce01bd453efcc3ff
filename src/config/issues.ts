import type { z } from "zod";

/** One readable line per zod issue: `<where>: <what is wrong>`. */
export function formatIssues(error: z.ZodError, where: (path: readonly PropertyKey[]) => string): string[] {
  return error.issues.map((issue) => `${where(issue.path)}: ${issue.message}`);
}
