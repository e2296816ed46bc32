/** A failure the user can act on: what went wrong, and what to do about it. */
export class NetworkError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly logTail?: string,
  ) {
    super(message);
    this.name = 'NetworkError';
  }

  describe(): string {
    const parts = [`error: ${this.message}`];
    if (this.logTail) parts.push(`--- last log lines ---\n${this.logTail}\n----------------------`);
    if (this.hint) parts.push(`hint: ${this.hint}`);
    return parts.join('\n');
  }
}
