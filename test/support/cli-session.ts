import { runCli, type CliResult } from './run-cli.js';

/** Runs the built CLI with one environment and keeps every output, so a test can check none leaked a secret. */
export interface CliSession {
  run(args: string[], stdin?: string): Promise<CliResult>;
  readonly outputs: readonly CliResult[];
}

export function cliSession(env: Record<string, string>): CliSession {
  const outputs: CliResult[] = [];
  return {
    outputs,
    async run(args, stdin) {
      const result = await runCli(args, { env, stdin });
      outputs.push(result);
      return result;
    },
  };
}

export function parseJson<T>(result: CliResult): T {
  return JSON.parse(result.stdout) as T;
}
