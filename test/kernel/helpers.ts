// Shared fixtures for kernel tests: example descriptors, genesis builders, small command makers.
import { readFileSync } from 'node:fs';
import type { CanonicalValue } from '../../crypto/canonical.js';
import { applyBatch, createKernel, type ApplyResult, type Genesis, type KernelCommand, type KernelState } from '../../kernel/api.js';

export function example(name: string): Record<string, CanonicalValue> {
  return JSON.parse(readFileSync(new URL(`../../kernel/examples/${name}.json`, import.meta.url), 'utf8'));
}

export const ADMINS = ['admin-a', 'admin-b', 'admin-c'];

export function genesisWith(descriptor: CanonicalValue, principals: Genesis['principals'], adminThreshold = 2): Genesis {
  return { chainId: 'test-chain', admins: ADMINS, adminThreshold, descriptor, principals };
}

export function kvKernel(principals: string[] = ['alice', 'bob'], commands = ['put', 'get']): KernelState {
  return createKernel(genesisWith(example('kv'), Object.fromEntries(principals.map((p) => [p, { commands }]))));
}

export function governanceKernel(): KernelState {
  return createKernel(
    genesisWith(example('governance'), {
      agent: { commands: ['act'] },
      agent2: { commands: ['act'] },
      ann: { commands: [], roles: ['approver'] },
      ben: { commands: [], roles: ['approver'] },
      cat: { commands: [], roles: ['approver'] },
      op: { commands: ['freeze', 'unfreeze'], roles: ['operator'] },
    }),
  );
}

/** Issues commands with per-principal sequence numbers counted automatically. */
export class Client {
  private seqs = new Map<string, number>();
  cmd(principal: string, type: string, fields: Record<string, CanonicalValue>, signers?: string[]): KernelCommand {
    const seq = (this.seqs.get(principal) ?? 0) + 1;
    this.seqs.set(principal, seq);
    return signers === undefined ? { principal, seq, type, fields } : { principal, seq, type, fields, signers };
  }
}

/** Applies batches at heights 1, 2, ... on a chain of states. */
export class Chain {
  height = 0;
  last!: ApplyResult;
  constructor(public state: KernelState) {}
  apply(batch: KernelCommand[], height = this.height + 1): ApplyResult {
    this.height = height;
    this.last = applyBatch(this.state, batch, { height });
    this.state = this.last.state;
    return this.last;
  }
}
