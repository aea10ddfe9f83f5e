// `npm test`: makes sure the system packages the suite needs are present, then
// type-checks, lints, builds, and runs the whole Vitest suite (unit,
// integration, fidelity with real kubectl, end-to-end in Chromium).
// `npm test -- <vitest args>` runs just those tests (after the same checks of the machine).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIsStale } from '../server/buildFreshness';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

function run(label: string, command: string, commandArgs: string[], env: Record<string, string> = {}): void {
  console.log(`\n▶ ${label}`);
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    console.error(`✖ ${label} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
}

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

// System packages: Debian package → how we know it is there.
const systemPackages = [
  { pkg: 'chromium', present: () => existsSync('/usr/bin/chromium') },
  { pkg: 'redis-server', present: () => onPath('redis-server') },
  { pkg: 'nginx', present: () => existsSync('/usr/sbin/nginx') },
  { pkg: 'bsdutils', present: () => onPath('script') },
];
const missing = systemPackages.filter((p) => !p.present()).map((p) => p.pkg);
if (missing.length > 0) {
  const install = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() === 0) {
    run(`installing system packages: ${missing.join(', ')}`, 'sh', ['-c', install], { DEBIAN_FRONTEND: 'noninteractive' });
  } else {
    console.error(`The test suite needs these Debian packages: ${missing.join(', ')}.\nInstall them as root, then run npm test again:\n\n  sudo sh -c '${install}'\n`);
    process.exit(1);
  }
}

run('kubectl and helm', process.execPath, [join(root, 'scripts', 'unpack-kubectl.mjs')]);

const env = { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', NEXT_TELEMETRY_DISABLED: '1' };
if (args.length === 0) {
  run('lint', bin('eslint'), ['.', '--max-warnings=0']);
  // Build before the type check: it writes the route types (.next/types) the check reads.
  run('build', bin('next'), ['build'], env);
  run('typecheck', bin('tsc'), ['--noEmit']);
} else if (buildIsStale(root)) {
  run('build (sources changed since the last one)', bin('next'), ['build'], env);
}
run('tests', bin('vitest'), ['run', ...args], env);
