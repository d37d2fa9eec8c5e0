/**
 * Errors an anchor raises at start-up or while running. Each carries a stable `code` so
 * the CLI and the API map them in one place; the message is written for the operator.
 */

export class AnchorError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A config file or flag is invalid; start-up stops and the message names the field. */
export class ConfigError extends AnchorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFIG_INVALID', message, options);
  }
}
