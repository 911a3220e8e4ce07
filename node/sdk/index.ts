// The package export: `import { Client } from 'knhk'`. See docs/sdk.md.
export { Client, receiptForHumans } from './client.js';
export type { ClientOptions, SubmitOptions, VerifiedReceipt, ReplicaStatusResult } from './client.js';
export { CommandRejectedError, SubmitTimeoutError, VerificationError } from './errors.js';
export { ClientTransport } from '../client/transport.js';
export { verifyReceiptBundle, SignatureCache } from '../client/verify.js';
export type { BundleVerdict } from '../client/verify.js';
export { bundleFromJson, bundleToJson, BundleFormatError, BUNDLE_FORMAT } from '../client/bundle.js';
export type { ReceiptBundle, BundleJson, RootSignature } from '../client/bundle.js';
export { clientIdOf, encodeSignedCommand, decodeSignedCommand, governanceCosignature } from '../client/envelope.js';
export type { Cosignature, EnvelopeContext } from '../client/envelope.js';
export { loadCluster } from '../cluster/config.js';
export type { ClusterFile } from '../cluster/config.js';
export type { Receipt, Decision, Risk, ReceiptResult } from '../../kernel/api.js';
export type { ReceiptRecord, ReplicaStatus } from '../replica/services.js';
// Key files (crypto/keyfile.ts format, as `knhk testnet` and `knhk keygen` write them).
export { readEd25519KeyFile, readHybridKeyPair, writeEd25519KeyFile, KeyFileError } from '../../crypto/keyfile.js';
export { ed25519KeyPair } from '../../crypto/ed25519.js';
