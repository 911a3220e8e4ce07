// Collects f+1 valid hybrid signatures over one block's execution roots by asking every replica
// at once and resolving as soon as enough distinct validators vouch (slow or dead replicas do not
// delay it). Collections are shared per roots within a transport: the receipts of one block all
// need the same signatures, so a busy client process verifies each block's signatures once.
import { toHex } from '../../crypto/bytes.js';
import type { ReceiptRecord, SignedRoots } from '../replica/services.js';
import { verifySignedRoots } from '../replica/execution-roots.js';
import type { RootSignature } from './bundle.js';
import type { ClientChannel } from './channel.js';
import type { ClusterFile } from '../cluster/config.js';
import { validatorKeys } from './verify.js';
import { bytesEqual } from '../../crypto/bytes.js';

export class RootsUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RootsUnavailableError';
  }
}

const MAX_SHARED = 1024;

export class RootsCollector {
  private readonly inFlight = new Map<string, Promise<RootSignature[]>>();

  constructor(
    private readonly cluster: ClusterFile,
    private readonly channels: ClientChannel[],
  ) {}

  /** f+1 signatures (distinct validators, each verified) over `record`'s roots. */
  collect(record: ReceiptRecord, timeoutMs: number): Promise<RootSignature[]> {
    const key = `${record.height}:${toHex(record.blockHash)}:${toHex(record.receiptsRoot)}:${toHex(record.stateRoot)}`;
    let p = this.inFlight.get(key);
    if (p === undefined) {
      p = this.run(record, timeoutMs);
      if (this.inFlight.size >= MAX_SHARED) this.inFlight.delete(this.inFlight.keys().next().value as string);
      this.inFlight.set(key, p);
      // A failed collection is not remembered: the next receipt of that block tries again.
      p.catch(() => this.inFlight.delete(key));
    }
    return p;
  }

  private run(record: ReceiptRecord, timeoutMs: number): Promise<RootSignature[]> {
    const need = this.cluster.f + 1;
    const keys = validatorKeys(this.cluster);
    return new Promise((resolve, reject) => {
      const got: RootSignature[] = [];
      const problems: string[] = [];
      let outstanding = this.channels.length;
      let done = false;
      const settle = () => {
        if (done) return;
        if (got.length >= need) {
          done = true;
          resolve(got.slice(0, need));
        } else if (outstanding === 0) {
          done = true;
          reject(new RootsUnavailableError(`only ${got.length} of the f+1 = ${need} signatures over the roots of height ${record.height}: ${problems.join('; ')}`));
        }
      };
      const accept = (replica: number, s: SignedRoots): string | null => {
        if (s.replica !== replica || s.height !== record.height) return `replica ${replica} answered for another replica or height`;
        if (!bytesEqual(s.blockHash, record.blockHash) || !bytesEqual(s.receiptsRoot, record.receiptsRoot) || !bytesEqual(s.stateRoot, record.stateRoot)) {
          return `replica ${replica} signed different roots at height ${record.height}`;
        }
        if (!verifySignedRoots(keys[replica], s)) return `replica ${replica} sent an invalid signature`;
        return null;
      };
      for (const ch of this.channels) {
        ch.request({ kind: 'signedRoots', height: record.height, timeoutMs }, timeoutMs + 1000).then(
          (res) => {
            outstanding--;
            if (done) return;
            if (res.kind === 'signedRoots') {
              const problem = accept(ch.replica, res.roots);
              if (problem === null) got.push({ replica: ch.replica, signature: res.roots.signature });
              else problems.push(problem);
            } else problems.push(`replica ${ch.replica}: ${res.kind === 'error' ? res.message : res.kind}`);
            settle();
          },
          (e: Error) => {
            outstanding--;
            problems.push(e.message);
            settle();
          },
        );
      }
    });
  }
}
