/** Topics and event names share one alphabet: safe in URLs, AMQP headers and SSE lines. */
const NAME = /^[A-Za-z0-9._:-]{1,128}$/;

export const NAME_RULE = '1-128 characters of A-Za-z0-9._:-';

export const isValidName = (value: string): boolean => NAME.test(value);
