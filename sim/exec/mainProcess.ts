/**
 * A container's main process, for `pods/attach` (`kubectl attach`, `kubectl run -i`).
 * When the container's command is one the simulated shell can run (`sh`, `sh -c …`, a
 * builtin), the process is that shell: stdin goes to it, its output to every attached
 * client. It starts at the first attach — before that its stdin would be empty anyway —
 * and lives as long as its container run. With `stdinOnce` (what `kubectl run -i`
 * sets) its stdin closes when the first client that sent stdin leaves, as the kubelet
 * does. When it exits, the container run ends with its exit code: the pod turns
 * Succeeded or Failed if the restart policy says the container is not restarted.
 *
 * Other main processes (an image's own server) cannot be run here: attaching to them
 * gives a stream that stays open, silent, until the container stops.
 */
import { endRun, podStatus, restarts, runtimeRegistry } from '../controllers/podRuntime';
import type { Store } from '../store';
import type { KubeObject } from '../types';
import { isRunning } from '../logs/containers';
import type { Attachment, ExecStreams, SessionIo } from './session';
import { Shell, isKnownCommand, type ShellOptions } from './shell';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

const PODS = '/pods';

/** Calls `gone` once the pod is deleted, replaced, or the container stops running. */
export function whenStopped(store: Store, pod: KubeObject, container: string, gone: () => void): () => void {
  const { namespace, name, uid } = pod.metadata;
  let fired = false;
  const unsubscribe = store.subscribe((e) => {
    if (fired || e.key !== PODS || e.object.metadata.namespace !== namespace || e.object.metadata.name !== name) return;
    if (e.type === 'DELETED' || e.object.metadata.uid !== uid || !isRunning(e.object, container)) {
      fired = true;
      unsubscribe();
      gone();
    }
  });
  return () => {
    fired = true;
    unsubscribe();
  };
}

/** Ends a kubelet-driven container's current run with the main process's exit code. */
function endContainer(store: Store, pod: KubeObject, container: string, code: number): void {
  const now = store.get(PODS, pod.metadata.namespace, pod.metadata.name!);
  if (!now || now.metadata.uid !== pod.metadata.uid) return;
  const rt = runtimeRegistry(store).get(pod.metadata.uid!);
  const c = rt?.containers.find((x) => x.name === container);
  if (!rt || !c || c.state !== 'running') return;
  endRun(c, code, code === 0 ? 'Completed' : 'Error');
  const policy = (now.spec as Obj)?.restartPolicy;
  if (rt.containers.every((x) => x.state === 'terminated' && !restarts(policy, x.current?.exitCode ?? 0))) {
    rt.phase = rt.containers.every((x) => x.current?.exitCode === 0) ? 'Succeeded' : 'Failed';
  }
  store.update(PODS, { ...now, metadata: { ...now.metadata }, status: podStatus(rt, now.status as Obj) });
}

export class MainProcess {
  private readonly clients = new Set<SessionIo>();
  private shell: Shell | undefined;
  private started = false;
  private ended = false;
  private stdinTaken = false;
  private readonly stopWatching: () => void;

  constructor(
    private readonly store: Store,
    private readonly pod: KubeObject,
    private readonly container: Obj,
    private readonly argv: string[],
    private readonly shellOpts: Omit<ShellOptions, 'tty' | 'stdin'>,
    private readonly onEnd: () => void,
  ) {
    this.stopWatching = whenStopped(store, pod, container.name, () => this.end(undefined));
  }

  get tty(): boolean {
    return this.container.tty === true;
  }

  /** Connects one client; `streams` are what it asked for. */
  attach(io: SessionIo, streams: ExecStreams): Attachment {
    this.clients.add(io);
    const sendsStdin = streams.stdin && this.container.stdin === true && !(this.container.stdinOnce === true && this.stdinTaken);
    if (sendsStdin) this.stdinTaken = true;
    return {
      begin: () => this.start(),
      input: (data) => {
        if (sendsStdin) this.shell?.input(data);
      },
      endInput: () => {
        if (sendsStdin) this.shell?.endInput();
      },
      resize: (cols, rows) => this.shell?.resize(cols, rows),
      close: () => {
        this.clients.delete(io);
        if (sendsStdin && this.container.stdinOnce === true) this.shell?.endInput();
      },
    };
  }

  private start(): void {
    if (this.started || this.ended) return;
    this.started = true;
    if (!isKnownCommand(this.argv[0] ?? '')) return;
    const broadcast = (channel: 'stdout' | 'stderr') => (b: Uint8Array) => {
      for (const c of this.clients) c[channel](b);
    };
    this.shell = new Shell({ stdout: broadcast('stdout'), stderr: broadcast('stderr'), exit: (code) => this.end(code) }, { ...this.shellOpts, tty: this.tty, stdin: this.container.stdin === true });
    this.shell.start(this.argv);
  }

  /** The process exited (with a code) or its container went away (undefined). */
  private end(code: number | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.stopWatching();
    this.shell?.close();
    for (const c of [...this.clients]) c.exit(0);
    this.clients.clear();
    this.onEnd();
    if (code !== undefined) endContainer(this.store, this.pod, this.container.name, code);
  }
}

/** The live main processes, per simulator: `<pod uid>/<container>/<container run>`. */
const processes = new WeakMap<Store, Map<string, MainProcess>>();

export function mainProcessFor(store: Store, pod: KubeObject, container: Obj, runId: string, make: (onEnd: () => void) => MainProcess): MainProcess {
  let all = processes.get(store);
  if (!all) processes.set(store, (all = new Map()));
  const key = `${pod.metadata.uid}/${container.name}/${runId}`;
  let p = all.get(key);
  if (!p) {
    p = make(() => all.delete(key));
    all.set(key, p);
  }
  return p;
}
