// `assay mcp`: the MCP server on stdio (harness/mcp/); it returns when the client disconnects.
import { UsageError } from '../../model/errors.ts';
import { DONE, type Outcome } from '../exit.ts';

export async function mcpCommand(args: string[]): Promise<Outcome> {
  if (args.length) throw new UsageError(`mcp takes no arguments (got ${args.join(' ')}); it serves the Model Context Protocol on stdin and stdout`);
  // the SDK is loaded when the server starts, not with every command
  const { serveStdio } = await import('../../mcp/server.ts');
  await serveStdio();
  return DONE;
}
