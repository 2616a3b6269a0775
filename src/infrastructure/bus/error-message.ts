/** The message of anything thrown or passed as an error, for logs and failure reasons. */
export const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));
