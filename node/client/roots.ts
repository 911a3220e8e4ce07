// Collects f+1 valid hybrid signatures over one block's execution roots. Replicas sign roots on
// demand, many heights per signature (ML-DSA-65 costs ~10 ms per signature; see
// node/replica/roots-signer.ts), so a client process asks the same f+1 replicas for every height —
// replicas o, o+1, ... mod n from an offset o drawn once per collector — so that their batches cover
// its heights, while different client processes spread the signing over the cluster. If one of
// them fails, answers wrongly or is slow (HEDGE_MS), the others are asked too. Collections are
// shared per roots within a transport, and a batch signature is verified once per collector.
import { toHex } from '../../crypto/bytes.js';
import type { ReceiptRecord, SignedRoots } from '../replica/services.js';
import { verifySignedRoots } from '../replica/execution-roots.js';
import type { RootSignature } from './bundle.js';
import type { ClientChannel } from './channel.js';
import type { ClusterFile } from '../cluster/config.js';
import { SignatureCache, validatorKeys } from './verify.js';
import { bytesEqual } from '../../crypto/bytes.js';

export class RootsUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RootsUnavailableError';
  }
}

const MAX_SHARED = 1024;
/** How long the first f+1 replicas get before the rest are asked as well. */
export const HEDGE_MS = 1500;

export class RootsCollector {
  private readonly inFlight = new Map<string, Promise<RootSignature[]>>();

  constructor(
    private readonly cluster: ClusterFile,
    private readonly channels: ClientChannel[],
    /** Valid signatures seen (shared with the transport's bundle checks, so each is verified once). */
    private readonly verified: SignatureCache = new SignatureCache(),
    /** First replica asked (then the next f, mod n); default: drawn at random. */
    private readonly offset = Math.floor(Math.random() * channels.length),
  ) {}

  /**
   * Channels asked first, f+1 of them: replicas offset, offset+1, ... at start; after a collection
   * that had to ask the others (a primary failed, answered wrongly or was slower than HEDGE_MS), the
   * f+1 that answered first. Without that, one frozen primary cost every later height the full
   * hedge delay (the chaos soak: 0-20 verified commands/s against ~90 while one replica was stopped).
   */
  private first: ClientChannel[] | null = null;

  private firstChannels(): ClientChannel[] {
    if (this.first === null) {
      const n = this.channels.length;
      this.first = Array.from({ length: Math.min(this.cluster.f + 1, n) }, (_, i) => this.channels[(this.offset + i) % n]);
    }
    return this.first;
  }

  /** The replicas asked first for every height (the rest only when these fail or are slow). */
  get primaries(): number[] {
    return this.firstChannels().map((c) => c.replica);
  }

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
      let outstanding = 0;
      let done = false;
      const first = this.firstChannels();
      const rest = this.channels.filter((c) => !first.includes(c));
      let hedged = false;
      /** Channels whose valid signature arrived, in arrival order. */
      const answered: ClientChannel[] = [];
      const settle = () => {
        if (done) return;
        if (got.length >= need) {
          done = true;
          if (hedged) this.first = answered.slice(0, need);
          resolve(got.slice(0, need));
        } else if (outstanding === 0 && (hedged || rest.length === 0)) {
          done = true;
          reject(new RootsUnavailableError(`only ${got.length} of the f+1 = ${need} signatures over the roots of height ${record.height}: ${problems.join('; ')}`));
        }
      };
      const accept = (replica: number, s: SignedRoots): string | null => {
        if (s.replica !== replica || s.height !== record.height) return `replica ${replica} answered for another replica or height`;
        if (!bytesEqual(s.blockHash, record.blockHash) || !bytesEqual(s.receiptsRoot, record.receiptsRoot) || !bytesEqual(s.stateRoot, record.stateRoot)) {
          return `replica ${replica} signed different roots at height ${record.height}`;
        }
        if (!verifySignedRoots(keys[replica], s, this.verified)) return `replica ${replica} sent an invalid signature`;
        return null;
      };
      const hedge = () => {
        if (hedged || done) return;
        hedged = true;
        clearTimeout(timer);
        for (const ch of rest) ask(ch);
      };
      const timer = setTimeout(hedge, Math.min(HEDGE_MS, timeoutMs));
      const finish = () => {
        if (done) clearTimeout(timer);
      };
      const ask = (ch: ClientChannel) => {
        outstanding++;
        void ch.request({ kind: 'signedRoots', height: record.height, timeoutMs }, timeoutMs + 1000).then(
          (res) => {
            outstanding--;
            if (done) return;
            let ok = false;
            if (res.kind === 'signedRoots') {
              const problem = accept(ch.replica, res.roots);
              ok = problem === null;
              if (ok) {
                got.push(res.roots.batch === undefined ? { replica: ch.replica, signature: res.roots.signature } : { replica: ch.replica, signature: res.roots.signature, batch: res.roots.batch });
                answered.push(ch);
              } else problems.push(problem!);
            } else problems.push(`replica ${ch.replica}: ${res.kind === 'error' ? res.message : res.kind}`);
            if (!ok) hedge();
            settle();
            finish();
          },
          (e: Error) => {
            outstanding--;
            problems.push(e.message);
            hedge();
            settle();
            finish();
          },
        );
      };
      for (const ch of first) ask(ch);
    });
  }
}
