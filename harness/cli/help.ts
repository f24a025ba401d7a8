// The text of `assay help`.
export const HELP = `assay: is this code correct, and is it faster?

Usage:
  assay run [PATHS/FILTERS...] [options]   verify and measure cases
  assay list [PATHS...] [--json]           problems, variants, cases, and usable backends
  assay env                                the machine fingerprint and environment, as JSON
  assay problem show NAME [--json]         a problem's tensors, axes, tolerance and work model
  assay model FILE.onnx [options]          benchmark any ONNX model with synthesized inputs

Run options:
  PATHS                 files or folders to search for *.bench.ts / *.bench.js files;
                        with none, the built-in problems run
  FILTERS               keep cases whose id contains any of these (e.g. matmul/blocked, n=512)
  --problem NAME        run these built-in problems (repeatable, or comma-separated)
  --candidate FILE      also measure this candidate file (.ts .cc .wgsl .onnx) with the
                        variants of the one --problem it solves (repeatable)
  --backend LIST        artifact kinds to run: js,native,wgsl,onnx (default: all)
  --time SECONDS        sampling budget per case (default 3)
  --quick               a 0.5 s budget per case
  --json FILE           write the RunResult JSON to FILE ("-" for stdout)
  --markdown FILE       write a markdown report to FILE ("-" for stdout)
  --no-samples          leave raw samples out of the JSON

Model options (assay model FILE.onnx):
  --ep LIST             execution providers: cpu,webgpu (default: cpu)
  --threads LIST        intra-op thread counts (default: 1,2)
  --opt-level LIST      graph optimization: disabled,basic,extended,all (default: all)
  --shape NAME=DIMS     an input's whole shape (input=1x3x224x224) or one symbolic
                        dimension (seq=128); repeatable. A dimension named like
                        batch defaults to 1; any other symbolic one must be given
  --seed N              seed of the synthesized inputs (default 1)
  --time, --quick, --json FILE, --no-samples   as for run

Exit codes:
  0  success      1  a case failed verification or threw
  2  usage, configuration or input error (including a candidate that does not build)
  3  a requested backend is unavailable on this machine
  130  interrupted (Ctrl-C): what was measured is still reported
`;
