import { expect } from "vitest";
import { ConfigError } from "../../src/config/errors.js";

/**
 * The problems a configuration step reports: one line each, and the error's message is exactly those
 * lines. Fails the test when the step accepts its input.
 */
export function configProblems(step: () => unknown, what: string): readonly string[] {
  try {
    step();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect((error as ConfigError).message).toBe(problems.join("\n"));
    for (const problem of problems) expect(problem).not.toContain("\n");
    return problems;
  }
  throw new Error(`${what} was accepted`);
}
