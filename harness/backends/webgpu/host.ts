// The GPU process: the only place Dawn lives. The WebGPU backend forks it and
// sends it requests (protocol.ts) one at a time; when a request does not finish
// in time the backend kills this process, which is the one reliable way to stop
// a kernel that never ends (lavapipe's device.destroy() waits for it forever).
import { deviceFault, openDevice } from './device.ts';
import { Executor } from './executor.ts';
import type { Envelope, HostReply, HostRequest } from './protocol.ts';

let executor: Executor | null = null;
let executorDevice: unknown = null;

/** The executor of the current device; a fresh one (empty caches) after a device loss. */
async function exec(): Promise<Executor> {
  const open = await openDevice();
  if (!executor || executorDevice !== open.device) {
    executor = new Executor(open);
    executorDevice = open.device;
  }
  return executor;
}

async function handle(req: HostRequest): Promise<HostReply> {
  switch (req.op) {
    case 'info':
      return { op: 'info', info: (await openDevice()).info };
    case 'compile':
      return { op: 'compile', ...(await (await exec()).compile(req)) };
    case 'run':
      return { op: 'run', ...(await (await exec()).run(req.key, req.buffers, req.plan)) };
    case 'bind':
      return { op: 'bind', ...(await (await exec()).bind(req.key, req.buffers, req.plan)) };
    case 'bind-sets':
      return { op: 'bind-sets', ...(await (await exec()).bindSets(req.key, req.sets, req.plan)) };
    case 'time':
      return { op: 'time', ...(await (await exec()).time(req.binding, req.iterations, req.start ?? 0)) };
    case 'fill':
      await (await exec()).fill(req.binding, req.patterns);
      return { op: 'fill' };
    case 'write-inputs':
      await (await exec()).writeInputs(req.binding, req.sets);
      return { op: 'write-inputs' };
    case 'read':
      return { op: 'read', outputs: await (await exec()).read(req.binding) };
    case 'release':
      (await exec()).release(req.binding);
      return { op: 'release' };
    case 'forget':
      (await exec()).forget(req.key);
      return { op: 'forget' };
  }
}

// requests arrive one at a time, but chain them anyway so that none overlaps another
let queue: Promise<void> = Promise.resolve();
process.on('message', (msg: { id: number; body: HostRequest }) => {
  queue = queue.then(async () => {
    let reply: Envelope<HostReply>;
    try {
      reply = { id: msg.id, body: await handle(msg.body) };
    } catch (e) {
      reply = { id: msg.id, error: e instanceof Error ? e.message : String(e) };
    }
    // after a device loss the pipelines and buffers the backend knows of are gone with it:
    // end this process, so the backend starts a fresh one and compiles again
    if (deviceFault()) process.send!(reply, () => process.exit(0));
    else process.send!(reply);
  });
});
// the backend's process is gone: nothing will ask for more
process.on('disconnect', () => process.exit(0));
process.send!({ id: 0, body: { op: 'ready' } });
