/**
 * A container's filesystem, made from the pod spec: enough for `ls`, `cat`, `cd`,
 * redirection and `tar` to feel like a small Linux image. Files hold bytes, so binary
 * data copied in with `kubectl cp` comes back out unchanged. One filesystem lives per
 * container of a pod for as long as the pod does (see `filesystemFor`), with a size
 * limit so a runaway copy gets "No space left on device", not an exhausted simulator.
 */
import type { Store } from '../store';
import type { KubeObject } from '../types';
import { hash32 } from '../logs/lines';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

export type Node = { type: 'file'; data: Buffer; mode: number; mtime: number } | { type: 'dir'; mode: number; mtime: number };

/** What a failed filesystem call says, in the words of the C library. */
export class FsError extends Error {
  constructor(readonly path: string, readonly reason: 'ENOENT' | 'ENOTDIR' | 'EISDIR' | 'ENOSPC' | 'EEXIST' | 'ENOTEMPTY') {
    super(FsError.words[reason]);
  }

  static readonly words = {
    ENOENT: 'No such file or directory',
    ENOTDIR: 'Not a directory',
    EISDIR: 'Is a directory',
    ENOSPC: 'No space left on device',
    EEXIST: 'File exists',
    ENOTEMPTY: 'Directory not empty',
  };
}

/** Bytes of file content one container may hold. */
export const FS_CAPACITY = 64 * 1024 * 1024;

const nowSeconds = () => Math.floor(Date.now() / 1000);

export class FakeFs {
  private readonly nodes = new Map<string, Node>([['/', { type: 'dir', mode: 0o755, mtime: nowSeconds() }]]);
  private used = 0;

  constructor(readonly capacity = FS_CAPACITY) {}

  /** Writes a whole file, creating its parent directories (for building images). */
  add(path: string, content: string | Uint8Array, mode = 0o644): void {
    this.mkdirp(parentOf(path));
    this.write(path, typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content), { mode });
  }

  get(path: string): Node | undefined {
    return this.nodes.get(path);
  }

  /** Creates a directory and any missing parents; fails where a file is in the way. */
  mkdirp(path: string, mode = 0o755): void {
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) {
      const dir = '/' + parts.slice(0, i).join('/');
      const node = this.nodes.get(dir);
      if (node?.type === 'file') throw new FsError(dir, 'ENOTDIR');
      if (!node) this.nodes.set(dir, { type: 'dir', mode, mtime: nowSeconds() });
    }
  }

  /** Creates one directory whose parent exists. */
  mkdir(path: string, mode = 0o755): void {
    if (this.nodes.has(path)) throw new FsError(path, 'EEXIST');
    this.requireDir(parentOf(path));
    this.nodes.set(path, { type: 'dir', mode, mtime: nowSeconds() });
  }

  /** Replaces (or with `append`, extends) a file whose directory exists. */
  write(path: string, data: Buffer, opts: { append?: boolean; mode?: number; mtime?: number } = {}): void {
    const old = this.nodes.get(path);
    if (old?.type === 'dir') throw new FsError(path, 'EISDIR');
    this.requireDir(parentOf(path));
    const before = old?.data.length ?? 0;
    const next = opts.append && old ? Buffer.concat([old.data, data]) : data;
    if (this.used - before + next.length > this.capacity) throw new FsError(path, 'ENOSPC');
    this.used += next.length - before;
    this.nodes.set(path, { type: 'file', data: next, mode: opts.mode ?? old?.mode ?? 0o644, mtime: opts.mtime ?? nowSeconds() });
  }

  /** Removes a file, or a directory with everything below it when `recursive`. */
  remove(path: string, recursive = false): void {
    const node = this.nodes.get(path);
    if (!node || path === '/') throw new FsError(path, 'ENOENT');
    if (node.type === 'dir') {
      const below = [...this.nodes.keys()].filter((p) => p.startsWith(`${path}/`));
      if (below.length && !recursive) throw new FsError(path, 'ENOTEMPTY');
      for (const p of below) this.drop(p);
    }
    this.drop(path);
  }

  /** Names directly inside a directory, sorted. */
  children(dir: string): string[] {
    const prefix = dir === '/' ? '/' : `${dir}/`;
    const out: string[] = [];
    for (const p of this.nodes.keys()) {
      if (p !== '/' && p.startsWith(prefix) && !p.slice(prefix.length).includes('/')) out.push(p.slice(prefix.length));
    }
    return out.sort();
  }

  private drop(path: string): void {
    const node = this.nodes.get(path);
    if (node?.type === 'file') this.used -= node.data.length;
    this.nodes.delete(path);
  }

  private requireDir(path: string): void {
    const node = this.nodes.get(path);
    if (!node) throw new FsError(path, 'ENOENT');
    if (node.type !== 'dir') throw new FsError(path, 'ENOTDIR');
  }
}

export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** Joins and normalises a path against a working directory. */
export function resolvePath(cwd: string, path: string): string {
  const parts = (path.startsWith('/') ? path : `${cwd}/${path}`).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (!p || p === '.') continue;
    if (p === '..') out.pop();
    else out.push(p);
  }
  return '/' + out.join('/');
}

const OS = [
  { id: 'alpine', release: 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\nHOME_URL="https://alpinelinux.org/"\n' },
  { id: 'debian', release: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\nHOME_URL="https://www.debian.org/"\n' },
];

export const BIN = [
  '[', 'base64', 'cat', 'cd', 'date', 'echo', 'env', 'false', 'head', 'hostname', 'ls', 'md5sum', 'mkdir', 'ps', 'pwd', 'read', 'rm', 'sh',
  'sha256sum', 'sleep', 'stty', 'tail', 'tar', 'test', 'touch', 'true', 'uname', 'wc', 'whoami',
];

/** The command PID 1 runs, from the container spec or guessed from the image. */
export function mainCommand(c: Obj): string[] {
  const cmd = [...(c?.command ?? []), ...(c?.args ?? [])].map(String);
  if (cmd.length) return cmd;
  const image = String(c?.image ?? '');
  if (image.includes('nginx')) return ['nginx', '-g', 'daemon off;'];
  if (image.includes('postgres')) return ['postgres'];
  if (image.includes('redis')) return ['redis-server', '*:6379'];
  if (image.includes('busybox') || image.includes('alpine')) return ['sh'];
  return ['/app/server', '--config', '/app/config.yaml'];
}

export function containerFs(pod: KubeObject, c: Obj, env: Record<string, string>): FakeFs {
  const fs = new FakeFs();
  const name = pod.metadata.name!;
  const os = OS[hash32(String(c?.image ?? '')) % OS.length];
  fs.add('/etc/hostname', `${name}\n`);
  fs.add('/etc/os-release', os.release);
  fs.add('/etc/hosts', `127.0.0.1\tlocalhost\n${(pod.status as Obj)?.podIP ?? '10.244.0.2'}\t${name}\n`);
  fs.add('/etc/resolv.conf', `search ${pod.metadata.namespace}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n`);
  fs.add('/proc/1/cmdline', mainCommand(c).join('\0') + '\0');
  fs.add('/proc/1/environ', Object.entries(env).map(([k, v]) => `${k}=${v}`).join('\0') + '\0');
  fs.add('/app/config.yaml', `# ${c?.name} configuration\nlisten: 0.0.0.0:8080\nlogLevel: info\nnamespace: ${pod.metadata.namespace}\n`);
  fs.add('/app/README.md', `${c?.name} (${c?.image})\n`);
  fs.add('/app/server', '\x7fELF\x02\x01\x01 (binary)\n', 0o755);
  fs.add('/var/run/secrets/kubernetes.io/serviceaccount/namespace', String(pod.metadata.namespace));
  fs.add('/var/run/secrets/kubernetes.io/serviceaccount/token', 'eyJhbGciOiJSUzI1NiIsImtpZCI6InNpbSJ9.c2ltdWxhdGVk.c2lnbmF0dXJl');
  for (const b of BIN) fs.add(`/bin/${b}`, '\x7fELF (busybox)\n', 0o755);
  for (const d of ['/tmp', '/root', '/var/log', '/usr/local/bin', '/dev', '/sys']) fs.mkdirp(d);
  fs.add('/dev/null', '', 0o666);
  for (const m of (c?.volumeMounts ?? []) as Obj[]) if (typeof m.mountPath === 'string') fs.mkdirp(resolvePath('/', m.mountPath));
  return fs;
}

/** The live filesystems, per simulator: `<pod uid>/<container>` → its files. */
const filesystems = new WeakMap<Store, Map<string, { namespace: string; name: string; fs: FakeFs }>>();

/**
 * The filesystem of one container of a pod, the same one for every exec into it, so
 * a file written by one `kubectl exec` or `kubectl cp` is there for the next. Those of
 * pods that are gone are dropped whenever another is made.
 */
export function filesystemFor(store: Store, pod: KubeObject, c: Obj, env: Record<string, string>): FakeFs {
  let all = filesystems.get(store);
  if (!all) filesystems.set(store, (all = new Map()));
  const key = `${pod.metadata.uid}/${c?.name}`;
  const found = all.get(key);
  if (found) return found.fs;
  for (const [k, v] of all) if (store.get('/pods', v.namespace, v.name)?.metadata.uid !== k.split('/')[0]) all.delete(k);
  const fs = containerFs(pod, c, env);
  all.set(key, { namespace: pod.metadata.namespace!, name: pod.metadata.name!, fs });
  return fs;
}
