/** The message of anything thrown or passed as an error, for logs and failure reasons. */
export const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The broker's own words from an amqplib channel error, e.g. "PRECONDITION_FAILED - inequivalent arg ...". */
export function brokerText(error: unknown): string {
  const text = describeError(error);
  return /with message "(.*)"$/s.exec(text)?.[1] ?? text;
}
