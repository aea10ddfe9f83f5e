/**
 * A container's read-only filesystem, made from the pod spec: enough for `ls`, `cat`
 * and `cd` to feel like a small Linux image. Built on demand, never stored.
 */
import type { KubeObject } from '../types';
import { hash32 } from '../logs/lines';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

export type Node = { type: 'file'; content: string } | { type: 'dir' };

export class FakeFs {
  private readonly nodes = new Map<string, Node>([['/', { type: 'dir' }]]);

  add(path: string, content: string): void {
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) {
      const dir = '/' + parts.slice(0, i).join('/');
      if (!this.nodes.has(dir)) this.nodes.set(dir, { type: 'dir' });
    }
    this.nodes.set('/' + parts.join('/'), { type: 'file', content });
  }

  mkdir(path: string): void {
    this.add(`${path}/.keep`, '');
    this.nodes.delete(`${path.replace(/\/$/, '')}/.keep`);
  }

  get(path: string): Node | undefined {
    return this.nodes.get(path);
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

export const BIN = ['cat', 'cd', 'date', 'echo', 'env', 'false', 'hostname', 'ls', 'ps', 'pwd', 'sh', 'sleep', 'stty', 'true', 'uname', 'whoami'];

/** The command PID 1 runs, from the container spec or guessed from the image. */
export function mainCommand(c: Obj): string[] {
  const cmd = [...(c?.command ?? []), ...(c?.args ?? [])].map(String);
  if (cmd.length) return cmd;
  const image = String(c?.image ?? '');
  if (image.includes('nginx')) return ['nginx', '-g', 'daemon off;'];
  if (image.includes('postgres')) return ['postgres'];
  if (image.includes('redis')) return ['redis-server', '*:6379'];
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
  fs.add('/app/server', '\x7fELF\x02\x01\x01 (binary)\n');
  fs.add('/var/run/secrets/kubernetes.io/serviceaccount/namespace', String(pod.metadata.namespace));
  fs.add('/var/run/secrets/kubernetes.io/serviceaccount/token', 'eyJhbGciOiJSUzI1NiIsImtpZCI6InNpbSJ9.c2ltdWxhdGVk.c2lnbmF0dXJl');
  for (const b of BIN) fs.add(`/bin/${b}`, '\x7fELF (busybox)\n');
  for (const d of ['/tmp', '/root', '/var/log', '/usr/local/bin', '/dev', '/sys']) fs.mkdir(d);
  for (const m of (c?.volumeMounts ?? []) as Obj[]) if (typeof m.mountPath === 'string') fs.mkdir(m.mountPath);
  return fs;
}
