// The whole environment of a run: machine, git revision, and whether this Node
// is one Assay supports.
import type { GitInfo, MachineInfo } from '../model/types.ts';
import { captureGit } from './git.ts';
import { captureMachine } from './machine.ts';
import { nodeSupport, type NodeSupport } from './node-support.ts';

export interface Environment {
  machine: MachineInfo;
  git: GitInfo;
  node: NodeSupport;
}

export function captureEnvironment(cwd = process.cwd()): Environment {
  return { machine: captureMachine(), git: captureGit(cwd), node: nodeSupport() };
}
