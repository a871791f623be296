/** Mirrors the event log's position without depending on the log package. */
export interface LogPosition {
  stream: string;
  partition: number;
  offset: string;
}
