/**
 * `tsx sim/main.ts --port <port> --kubeconfig <file> [--scenario demo|empty|large:<pods>] [--churn <events/s>] [--churn-stamp] [--clock-speed <n>] [--history-seconds <n>] [--no-metrics]`
 * `--churn-stamp` labels each churned pod with the wall-clock microsecond of the change (`bench.crowsnest/t`), for latency benchmarks.
 * `--no-metrics` serves no metrics.k8s.io, as a cluster without metrics-server.
 * `--history-seconds` is the watch cache's window in simulated seconds (default 300): a watch resuming from an older resourceVersion gets 410 Expired.
 * Serves the simulated cluster until SIGINT/SIGTERM.
 */
import { resolve } from 'node:path';
import { parseScenario } from './scenarios/index';
import { startSimulator } from './index';

const USAGE = 'usage: tsx sim/main.ts --port <port> --kubeconfig <file> [--scenario demo|empty|large:<pods>] [--churn <events/s>] [--churn-stamp] [--clock-speed <n>] [--history-seconds <n>] [--host <address>] [--no-metrics]';

function fail(message: string): never {
  process.stderr.write(`sim: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): { port: number; kubeconfig: string; scenario: string; host: string; churn?: number; churnStamp: boolean; metrics: boolean; clockSpeed?: number; historySeconds?: number } {
  const out: Record<string, string> = {};
  let churnStamp = false;
  let metrics = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--churn-stamp') {
      churnStamp = true;
      continue;
    }
    if (arg === '--no-metrics') {
      metrics = false;
      continue;
    }
    const m = arg.match(/^--(port|kubeconfig|scenario|host|churn|clock-speed|history-seconds)(?:=(.*))?$/);
    if (!m) fail(`unknown argument "${arg}"`);
    const value = m[2] ?? argv[++i];
    if (value === undefined || value === '') fail(`--${m[1]} needs a value`);
    out[m[1]] = value;
  }
  if (out.port === undefined) fail('--port is required');
  if (!/^\d+$/.test(out.port) || Number(out.port) > 65535) fail(`--port must be a number from 0 to 65535, got "${out.port}"`);
  if (!out.kubeconfig) fail('--kubeconfig is required');
  const scenario = out.scenario ?? 'demo';
  try {
    parseScenario(scenario);
  } catch (err) {
    fail((err as Error).message);
  }
  for (const flag of ['churn', 'clock-speed', 'history-seconds']) {
    if (out[flag] !== undefined && !(/^\d+(\.\d+)?$/.test(out[flag]) && Number(out[flag]) >= 0)) fail(`--${flag} must be a non-negative number, got "${out[flag]}"`);
  }
  for (const flag of ['clock-speed', 'history-seconds']) if (out[flag] !== undefined && Number(out[flag]) === 0) fail(`--${flag} must be greater than 0`);
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  return { port: Number(out.port), kubeconfig: resolve(out.kubeconfig), scenario, host: out.host ?? '127.0.0.1', churn: num(out.churn), churnStamp, metrics, clockSpeed: num(out['clock-speed']), historySeconds: num(out['history-seconds']) };
}

const args = parseArgs(process.argv.slice(2));
const sim = await startSimulator({ port: args.port, host: args.host, scenario: args.scenario, kubeconfigPath: args.kubeconfig, churn: args.churn, churnStamp: args.churnStamp, metrics: args.metrics, clockSpeed: args.clockSpeed, historySeconds: args.historySeconds });
process.stdout.write(`crowsnest simulated cluster (${args.scenario}) serving at ${sim.url}\nkubeconfig written to ${args.kubeconfig}\n`);
const stop = () => {
  sim.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
