// `assay mcp`: a Model Context Protocol server on stdio, with the official SDK,
// so that a coding agent can list problems, read one's signature, score a
// candidate it wrote, and run benchmarks in its workspace. stdout carries the
// protocol alone: every log goes to stderr. A tool's failure (bad input, an
// unknown problem) comes back as a result with `isError`, saying why.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import { describeError } from '../model/errors.ts';
import { TOOL_VERSION } from '../model/version.ts';
import { listProblems, runBenchmarks, Scorer, showProblem, SOURCE_KINDS, type SourceKind } from './tools.ts';

type ToolResult = { content: Array<{ type: 'text'; text: string }>; isError?: boolean };

async function answer(f: () => Promise<unknown>): Promise<ToolResult> {
  try {
    const value = await f();
    return { content: [{ type: 'text', text: JSON.stringify(value, null, 2) }] };
  } catch (e) {
    return { content: [{ type: 'text', text: describeError(e) }], isError: true };
  }
}

export interface McpOptions {
  /** The agent's workspace, where run_benchmarks finds bench files; the working folder by default. */
  cwd?: string;
  log?: (line: string) => void;
}

/** Builds the server with its four tools. */
export function createServer(o: McpOptions = {}): { server: McpServer; close: () => Promise<void> } {
  const log = o.log ?? ((line: string) => process.stderr.write(`assay mcp: ${line}\n`));
  const scorer = new Scorer({ onLog: log });
  const server = new McpServer({ name: 'assay', version: TOOL_VERSION });

  server.registerTool('list_problems', { description: 'The problems a candidate can be written for: name, description, axes and built-in variants.' }, () => answer(listProblems));

  server.registerTool(
    'show_problem',
    {
      description:
        "What a candidate for a problem must be: its tensors, axes, tolerance, work model, the JS signature, the C prototype, the WGSL binding layout and dispatch header, the ONNX names, and the reference's source as an example.",
      inputSchema: { name: z.string().describe('a problem name, from list_problems') },
    },
    ({ name }) => answer(() => showProblem(name)),
  );

  server.registerTool(
    'score_candidate',
    {
      description:
        'Scores a candidate: builds it in a sandbox, verifies it on public and held-out inputs drawn fresh for this call, measures it interleaved with the reference and the best built-in variant of its kind, and returns the Score JSON (verdict, stage, reason, checks, speedup with its CI, flags, cost).',
      inputSchema: {
        problem: z.string().describe('a problem name, from list_problems'),
        kind: z.enum(Object.keys(SOURCE_KINDS) as [SourceKind, ...SourceKind[]]).describe('js or ts (an ES module), native (C++), c, wgsl, or onnx (base64 of the model)'),
        source: z.string().describe('the candidate file\'s text (base64 for onnx)'),
        name: z.string().optional().describe('a file name for messages, such as tiled.wgsl'),
        budget_s: z.number().positive().max(60).optional().describe('measure budget per point, in seconds (default 1)'),
      },
    },
    ({ problem, kind, source, name, budget_s }) => answer(() => scorer.score(problem, kind, source, { ...(name ? { name } : {}), ...(budget_s !== undefined ? { budgetS: budget_s } : {}) })),
  );

  server.registerTool(
    'run_benchmarks',
    {
      description: "Runs bench files (*.bench.ts) or built-in problems in the agent's workspace and returns each case's median with its CI and its speedup over the reference.",
      inputSchema: {
        paths: z.array(z.string()).optional().describe('bench files or folders, relative to the workspace'),
        filters: z.array(z.string()).optional().describe('keep cases whose id contains any of these'),
        problems: z.array(z.string()).optional().describe('built-in problems to run'),
        budget_s: z.number().positive().max(60).optional().describe('sampling budget per case, in seconds (default 0.5)'),
      },
    },
    ({ paths, filters, problems, budget_s }) =>
      answer(() =>
        runBenchmarks({
          cwd: o.cwd ?? process.cwd(),
          ...(paths ? { paths } : {}),
          ...(filters ? { filters } : {}),
          ...(problems ? { problems } : {}),
          ...(budget_s !== undefined ? { budgetS: budget_s } : {}),
        }),
      ),
  );

  return { server, close: () => scorer.close() };
}

/** Serves on stdin and stdout until the client goes away. */
export async function serveStdio(o: McpOptions = {}): Promise<void> {
  // anything printed by accident must not corrupt the protocol
  console.log = console.error;
  console.info = console.error;
  const { server, close } = createServer(o);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  (o.log ?? ((l: string) => process.stderr.write(`assay mcp: ${l}\n`)))('serving on stdio');
  await closed;
  await close();
}
