// Loads the .proto files at runtime with protobufjs (no generated code: runtime-loaded types are
// as fast as generated ones here (STACK-NOTES), need no build step, and the .proto files stay the
// single source of truth that other implementations can compile).
import protobuf from 'protobufjs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

function load(): protobuf.Root {
  const root = new protobuf.Root();
  // Imports name files relative to this folder.
  root.resolvePath = (_origin, target) => here + target.replace(/^.*[\\/]/, '');
  root.loadSync(['consensus.proto', 'sync.proto'], { keepCase: false });
  root.resolveAll();
  return root;
}

const root = load();

export const ConsensusFrameType = root.lookupType('knhk.v1.ConsensusFrame');
export const SyncFrameType = root.lookupType('knhk.v1.SyncFrame');
export const CommittedBlockType = root.lookupType('knhk.v1.CommittedBlock');
export const BlockType = root.lookupType('knhk.v1.Block');
export const QuorumCertType = root.lookupType('knhk.v1.QuorumCert');
