import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { afterAll, describe, expect, it } from 'vitest';
import { parseForm } from '../src/form.js';

const children: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'stripe-emulator-'));
afterAll(() => {
  for (const child of children) child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

/** Spawns `tsx stripe-emulator/src/main.ts` and resolves with the URL printed on the ready line. */
function spawnEmulator(args: string[]): Promise<{ child: ChildProcess; url: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'stripe-emulator/src/main.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /stripe-emulator listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve({ child, url: match[1]!, ms: Date.now() - started });
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

describe('the emulator process', () => {
  it('prints the ready line fast, answers health, and keeps state across a restart (atomic state file)', async () => {
    const stateFile = join(dir, 'state.json');
    const first = await spawnEmulator(['--port', '0', '--state-file', stateFile]);
    expect(first.ms).toBeLessThan(5_000); // < 2 s on an idle machine; CI machines are shared
    const health = await (await fetch(`${first.url}/_emulator/health`)).json();
    expect(health.ok).toBe(true);
    const port = Number(new URL(first.url).port);
    const stripe = new Stripe('sk_test_123', { host: '127.0.0.1', port, protocol: 'http' });
    const customer = await stripe.customers.create({ email: 'persist@test.dev' });
    await stop(first.child);
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).objects[customer.id].email).toBe('persist@test.dev');
    const second = await spawnEmulator(['--port', '0', '--state-file', stateFile]);
    const again = new Stripe('sk_test_123', { host: '127.0.0.1', port: Number(new URL(second.url).port), protocol: 'http' });
    expect(((await again.customers.retrieve(customer.id)) as Stripe.Customer).email).toBe('persist@test.dev');
    await stop(second.child);
  }, 30_000);
});

describe('form encoding', () => {
  it('parses nested objects, indexed and empty-bracket arrays, and empty values', () => {
    expect(parseForm('a[b][c]=1&list[0]=x&list[1]=y&push[]=p&push[]=q&empty=&metadata[k]=v%20w&plus=a+b')).toEqual({
      a: { b: { c: '1' } },
      list: ['x', 'y'],
      push: ['p', 'q'],
      empty: '',
      metadata: { k: 'v w' },
      plus: 'a b',
    });
    expect(parseForm('line_items[0][price_data][product_data][name]=Pack&line_items[0][quantity]=2')).toEqual({
      line_items: [{ price_data: { product_data: { name: 'Pack' } }, quantity: '2' }],
    });
  });
});
