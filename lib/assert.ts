/** Returns the value, or throws with `message` when it is null or undefined. */
export function ensureDefined<T>(value: T | null | undefined, message = 'value is missing'): T {
  if (value === null || value === undefined) throw new Error(message);
  return value;
}
