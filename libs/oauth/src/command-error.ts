/** A refused admin command (client or user management), with the HTTP status the admin API answers. */
export class CommandError extends Error {
  override name = 'CommandError';
  constructor(
    readonly status: 400 | 404 | 409 | 504,
    message: string,
  ) {
    super(message);
  }
}
