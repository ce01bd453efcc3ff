/** A start-up problem the operator must fix: printed one line per problem, never as a stack trace. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "ConfigError";
  }
}
