#!/usr/bin/env node
// The package registry this project installs from serves only the platform
// builds it needs (linux x64). `npm install` then leaves every other
// platform's optional package (e.g. @next/swc-darwin-arm64) out of
// package-lock.json, and `npm ci` refuses that lock as "out of sync".
// This adds a placeholder entry for each such package, with the version its
// parent asks for and the os/cpu its name states, so `npm ci` on linux skips
// it as it would skip any other foreign-platform build.
// Run after every `npm install` that changes dependencies (a unit test checks).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OSES = ['darwin', 'win32', 'linux', 'android', 'freebsd', 'openbsd', 'netbsd', 'sunos', 'aix', 'openharmony'];
const CPUS = ['arm64', 'x64', 'arm', 'ia32', 'loong64', 'ppc64', 'riscv64', 's390x', 'wasm32', 'mips64el'];

/** Entries missing from `lock`: [path, entry] for each optional dependency no entry satisfies. */
export function missingOptionalEntries(lock) {
  const packages = lock.packages ?? {};
  const missing = new Map();
  for (const [path, entry] of Object.entries(packages)) {
    for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
      // Resolution as node does it: nested first, then up the tree to the root.
      let dir = path;
      let found = false;
      for (;;) {
        if (packages[`${dir ? `${dir}/` : ''}node_modules/${name}`]) {
          found = true;
          break;
        }
        if (!dir) break;
        const cut = dir.lastIndexOf('/node_modules/');
        dir = cut === -1 ? '' : dir.slice(0, cut);
      }
      if (found) continue;
      const tokens = name.split(/[/-]/);
      const os = tokens.find((t) => OSES.includes(t));
      const cpu = tokens.find((t) => CPUS.includes(t));
      if (!os || !cpu) throw new Error(`${name} (optional for ${path || 'the project'}) is missing from the lock and its name states no os/cpu`);
      missing.set(`node_modules/${name}`, { version: range.replace(/^[\^~=]/, ''), optional: true, os: [os], cpu: [cpu], ...(entry.dev ? { dev: true } : {}) });
    }
  }
  return missing;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'package-lock.json');
  const lock = JSON.parse(readFileSync(file, 'utf8'));
  const missing = missingOptionalEntries(lock);
  const sorted = Object.fromEntries(Object.entries({ ...lock.packages, ...Object.fromEntries(missing) }).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
  lock.packages = sorted;
  writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
  console.log(missing.size ? `added ${missing.size} foreign-platform placeholder(s): ${[...missing.keys()].join(', ')}` : 'package-lock.json needs no placeholders');
}
