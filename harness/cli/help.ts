// The text of `assay help`.
export const HELP = `assay: is this code correct, and is it faster?

Usage:
  assay run [PATHS/FILTERS...] [options]   verify and measure cases
  assay list [PATHS...] [--json]           problems, variants, cases, and usable backends
  assay env                                the machine fingerprint and environment, as JSON
  assay problem show NAME [--json]         a problem's tensors, axes, tolerance and work model
  assay compare BASE [HEAD] [options]      verdicts for HEAD against BASE (baseline names or
                                           result files; HEAD from stdin when omitted)
  assay ab REV_A REV_B [run options]       measure two git revisions interleaved, in one
                                           session, and give verdicts for B against A
  assay baseline list|show NAME|delete NAME   the saved baselines (--machine ID, --json)
  assay model FILE.onnx [options]          benchmark any ONNX model with synthesized inputs
  assay nightly [PATHS/FILTERS] [options]  run the suite, record it in the history store, and
                                           report the change points that are new tonight
  assay history [CASE] [--json]            a case's nightly series with its change points (or
                                           the cases the store holds)
  assay history import FILE|DIR...         record existing result and baseline files
  assay bisect CASE GOOD BAD [PATHS]       find the commit between GOOD and BAD that made
                                           CASE slower, by interleaved A/B of revisions
  assay report --html DIR                  write the history dashboard to DIR/index.html
  assay score --problem NAME --candidate FILE [--json]
                                           score a candidate: build, verify on held-out
                                           inputs, measure against the reference, in a sandbox
  assay score --problem NAME DIR/ [--json] score every candidate in a folder, with fast_p
  assay mcp                                a Model Context Protocol server on stdio
  assay worker --db URL [--tags T,...] [--price-per-hour P]
                                           serve the fleet's jobs on this machine (SIGTERM
                                           drains: the job in hand finishes)
  assay workers [--db URL] [--json] [--all]   the fleet's live workers, their tags and jobs
  assay jobs [ID] [--db URL] [--json] [--limit N]
                                           the fleet's jobs: state, host, exit code, wall and
                                           CPU seconds, cost; with ID, one job and its output

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
  --save-baseline NAME  save this run as baseline NAME (baselines/<machine-id>/NAME.json)
  --baseline NAME       compare this run with baseline NAME and print verdicts after the table
  --processes K         measure each case in K runner processes, sharing its budget
                        (default 3 with --save-baseline or --baseline, else 1), so
                        a stored verdict sees how much a case moves between processes
  --measure MODE        time (default: wall or GPU time per call, in ns) or instructions:
                        instructions per call, counted in a runner under valgrind's
                        callgrind (about 50 times slower; --time, --quick and --processes
                        do not apply; WGSL and ONNX cases are skipped). See docs/instructions.md

Fleet options (run, score, ab, nightly; docs/fleet.md):
  --remote TAG          run the command on a fleet worker with tag TAG and print what it
                        printed there, with its exit code; the files the arguments name
                        travel with it (for ab and nightly, a git bundle of the revisions)
  --detach              with --remote: print the job's id and return; \`assay jobs ID\`
  --db URL              the fleet's PostgreSQL (postgres://USER@HOST/DB; default ASSAY_DB)
  Automatic worker tags: cpu:<arch>, gpu:<vendor>, or gpu:software for a software adapter.

Verdict options (compare, ab, run --baseline):
  --threshold T         noise threshold, as 0.02 or 2% (default 2%, and 0.5% for instruction
                        counts): a change whose whole 95% CI lies within ±T is "same",
                        beyond it "faster"/"slower"
  --fail-on LIST        verdicts that exit 1 (default: slower); any of slower, faster,
                        inconclusive, same, failed, new, missing
  --json FILE           write the comparison as JSON ("-" for stdout; for run, the RunResult)
  --markdown FILE       write a PR-comment table, largest changes first (for run, the run)
  --github              GitHub Actions: ::error/::warning annotations and a job summary in
                        $GITHUB_STEP_SUMMARY (on by itself when GITHUB_ACTIONS=true)
  --allow-machine-mismatch   compare with a baseline taken on another machine
  --measure MODE        (compare) refuse runs not measured this way; runs of two measure
                        modes are never compared (exit 2). The default threshold is 2% for
                        time and 0.5% for instruction counts

ab options: the run options above (filters, --problem, --backend, --time, --quick), and
  --no-install          use the checkouts as they are, without npm ci or build
  --processes K         runner processes per side, taking turns (default 10)
  --measure instructions   count instructions instead: one runner per side under callgrind,
                        both counting each case at the same time (--processes does not apply)

History options (nightly, history, report; the store is docs/history.md's):
  --db PATH|URL         the history store: a SQLite file, or a postgres:// URL for the
                        shared PostgreSQL store (default: ASSAY_DB, else .assay/history.sqlite)
  --threshold T         nightly and report: a change beyond ±T is a regression or an
                        improvement (default 2%; 0.5% for --measure instructions)
  --markdown FILE, --json FILE   nightly: the summary as Markdown or JSON ("-" for stdout)
  --machine ID          history and report: the machine whose series to read
  --measure MODE        the measure mode whose series to record or read (default: time)
  --last N              history: only the newest N nights
  bisect takes ab's options (--time, --quick, --processes, --no-install, --backend)

Model options (assay model FILE.onnx):
  --ep LIST             execution providers: cpu,webgpu (default: cpu)
  --threads LIST        intra-op thread counts (default: 1,2)
  --opt-level LIST      graph optimization: disabled,basic,extended,all (default: all)
  --shape NAME=DIMS     an input's whole shape (input=1x3x224x224) or one symbolic
                        dimension (seq=128); repeatable. A dimension named like
                        batch defaults to 1; any other symbolic one must be given
  --seed N              seed of the synthesized inputs (default 1)
  --time, --quick, --json FILE, --no-samples   as for run

Score options (docs/scoring.md):
  --time SECONDS        measure budget per measured point (default 1)
  --point NAME=V[,..]   measure at this axis point (repeatable); by default every public
                        point whose reference call takes at most 50 ms
  --held-out N          held-out shapes drawn for verification (default 3)
  --seed N              the seed of the draws (fresh by default)
  --setting NAME=V      the candidate's own setting (threads, ep) to score it at
  --memory MB           the candidate runner's address-space limit, beyond what a
                        bare Node process reserves (default 4096)
  --timeout SECONDS     the time limit of each stage (default 60)
  --kernels DIR         take the problem from DIR instead of the built-in kernels/
  score exits 0 accepted, 1 rejected, 2 usage or input error, 3 backend unavailable,
  4 Assay failed (verdict "error")

Exit codes:
  0  success      1  a case failed verification or threw, or a comparison found a
                   case whose verdict --fail-on names (slower by default); for
                   nightly, a new regression beyond the threshold; for bisect,
                   BAD is not slower than GOOD
  2  usage, configuration or input error (including a candidate that does not build,
     and a history store that is corrupt or of a newer schema: it is left untouched)
  3  a requested backend or tool is unavailable on this machine (valgrind, for
     --measure instructions)
  4  Assay itself failed (a bug, or a runner that died for no fault of the code
     under test); the message says so: please report it
  130  interrupted (Ctrl-C): what was measured is still reported
`;
