/**
 * nginx as a plain round-robin load balancer in front of portal replicas, with
 * what SSE and WebSockets need through a proxy: no response buffering, long
 * read timeouts, HTTP/1.1 upstream connections and the Upgrade handshake
 * passed on. No sticky sessions: any replica serves any request.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const NGINX = '/usr/sbin/nginx';

export function balancerConfig(dir: string, port: number, upstreams: string[]): string {
  return `worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log stderr warn;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  map $http_upgrade $connection_upgrade { default upgrade; '' ''; }
  upstream crowsnest {
${upstreams.map((u) => `    server ${u} max_fails=1 fail_timeout=2s;`).join('\n')}
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 2m;
    location / {
      proxy_pass http://crowsnest;
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      # Server-Sent Events and WebSockets: deliver every byte at once, and let quiet streams live.
      proxy_buffering off;
      proxy_cache off;
      proxy_read_timeout 1h;
      proxy_send_timeout 1h;
      # A replica that is gone or draining: try the next one for requests that can be retried.
      proxy_next_upstream error timeout http_502 http_503;
    }
  }
}
`;
}

export interface Balancer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts nginx on `port` in front of `upstreams` (host:port each), its files under `dir`. */
export async function startBalancer(dir: string, port: number, upstreams: string[]): Promise<Balancer> {
  mkdirSync(dir, { recursive: true });
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, balancerConfig(dir, port, upstreams));
  const child = spawn(NGINX, ['-p', dir, '-c', conf, '-e', 'stderr'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}):\n${output}`);
    const up = await fetch(`${url}/livez`).then((r) => r.status > 0, () => false);
    if (up) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not answer within 10 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    process: child,
    async stop() {
      // Fast shutdown: a graceful one would wait for every open stream to end.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
