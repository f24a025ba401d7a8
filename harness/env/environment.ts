// The whole environment of a run: machine and git revision together.
import type { GitInfo, MachineInfo } from '../model/types.ts';
import { captureGit } from './git.ts';
import { captureMachine } from './machine.ts';

export interface Environment {
  machine: MachineInfo;
  git: GitInfo;
}

export function captureEnvironment(cwd = process.cwd()): Environment {
  return { machine: captureMachine(), git: captureGit(cwd) };
}
