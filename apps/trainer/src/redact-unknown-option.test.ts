import { buildProgram } from './cli-program';
import { redactUnknownOption } from './redact-unknown-option';

describe('unknown options never echo their values', () => {
  it.each([
    [
      "error: unknown option '--auth-token=SECRET'",
      "error: unknown option '--auth-token' (its value is not shown); never put a secret on the command line: train reads the ring token from --auth-token-file <path> or SYNCLINE_AUTH_TOKEN",
    ],
    [
      "error: unknown option '--password=it's=a secret'",
      "error: unknown option '--password' (its value is not shown); never put a secret on the command line: train reads the ring token from --auth-token-file <path> or SYNCLINE_AUTH_TOKEN",
    ],
    ["error: unknown option '--epoch=5'\n(Did you mean --epochs?)", "error: unknown option '--epoch' (its value is not shown)\n(Did you mean --epochs?)"],
    ["error: unknown option '-kSECRET'", "error: unknown option '-k' (its value is not shown)"],
    ["error: unknown option '--epoch'\n(Did you mean --epochs?)", "error: unknown option '--epoch'\n(Did you mean --epochs?)"], // no value: unchanged
    ["error: unknown option '-k'", "error: unknown option '-k'"],
    ["error: option '--epochs <n>' argument missing", "error: option '--epochs <n>' argument missing"], // other errors: unchanged
  ])('%j -> %j', (message, redacted) => {
    expect(redactUnknownOption(message)).toBe(redacted);
  });

  it.each([[['train', '--auth-token=SECRET-123']], [['launch', '--workers', '2', '--api-key=SECRET-123', '--', 'train']], [['--token=SECRET-123', 'train']]])(
    'syncline %j: neither the printed error nor the thrown one holds the value',
    async (argv) => {
      const written: string[] = [];
      const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      });
      let error: unknown;
      try {
        await buildProgram({ stdout: () => undefined, stderr: () => undefined }).parseAsync(argv, { from: 'user' });
      } catch (e) {
        error = e;
      } finally {
        spy.mockRestore();
      }
      expect((error as { code?: string }).code).toBe('commander.unknownOption');
      expect((error as Error).message).toMatch(/^error: unknown option '--[a-z-]+' \(its value is not shown\); never put a secret on the command line/);
      expect(written.join('')).toContain('(its value is not shown)');
      expect([(error as Error).message, ...written].join('\n')).not.toContain('SECRET-123');
    },
  );
});
