import type { ClientErrorCode } from '@tickerboard/client';

/** The command's exit status, by what went wrong (docs/client.md lists them). */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  unreachable: 3,
  unknownSymbol: 4,
  refused: 5,
  outdated: 6,
} as const;

export function exitCodeOf(code: ClientErrorCode): number {
  switch (code) {
    case 'UNREACHABLE':
      return EXIT.unreachable;
    case 'UNKNOWN_SYMBOL':
      return EXIT.unknownSymbol;
    case 'UNAUTHORIZED':
      return EXIT.refused;
    case 'OUTDATED':
      return EXIT.outdated;
    default:
      return EXIT.failure;
  }
}

/** A problem with the command line itself. */
export class UsageError extends Error {}
