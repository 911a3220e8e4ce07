// The stand-in client envelope (standin crypto mode): what consensus orders as a command's opaque
// bytes when clients sign with the simulator's MAC instead of Ed25519. Layout:
//   u8 signature length | signature | kernel command bytes (encodeCommand)
// signed over tag || principal || command bytes. `--crypto real` uses node/client/envelope.ts, the
// envelope production replicas check, instead. Opening never throws: any defect is a reason.
import { utf8 } from '../crypto/bytes.js';
import { decodeCommand, encodeCommand, type KernelCommand } from '../kernel/api.js';

export const ENVELOPE_TAG = 'knhk/sim/client-envelope';
export const maxEnvelopeBytes = 64 * 1024;

export type OpenedCommand = { ok: true; client: string; seq: number; kernelCommand: KernelCommand } | { ok: false; reason: string };

const tagBytes = utf8(ENVELOPE_TAG);

/** The message a client signs: tag || 0 || principal || 0 || command bytes, as a new array. */
export function envelopeMessage(principal: string, commandBytes: Uint8Array): Uint8Array {
  return layOutMessage(principal, commandBytes, null);
}

// Sealing and opening sign / verify the message at once and keep nothing of it (the stand-in MAC
// hashes it; the registry compares digests), so it is laid out in one reused buffer: an array of
// over 64 bytes gets an off-heap backing store in V8, and the message alone was one such
// allocation per seal and per check, the command bytes and the envelope's parts three more.
let scratch = new Uint8Array(512);

/** The message in the shared scratch buffer (a view valid until the next call), or in a new array when `into` is null. */
function layOutMessage(principal: string, commandBytes: Uint8Array, into: 'scratch' | null): Uint8Array {
  // Principals are hex key ids: ASCII is copied char by char (a TextEncoder call per seal and per
  // check cost more than the rest); anything else goes through UTF-8 as before. Same bytes.
  const ascii = isAscii(principal);
  const p = ascii ? null : utf8(principal);
  const pLength = p === null ? principal.length : p.length;
  const size = tagBytes.length + 1 + pLength + 1 + commandBytes.length;
  let out: Uint8Array;
  if (into === null) out = new Uint8Array(size);
  else {
    if (scratch.length < size) scratch = new Uint8Array(Math.max(size, 2 * scratch.length));
    out = scratch;
  }
  for (let i = 0; i < tagBytes.length; i++) out[i] = tagBytes[i];
  out[tagBytes.length] = 0;
  const at = tagBytes.length + 1;
  if (p === null) for (let i = 0; i < pLength; i++) out[at + i] = principal.charCodeAt(i);
  else out.set(p, at);
  out[at + pLength] = 0;
  out.set(commandBytes, at + pLength + 1);
  return into === null ? out : out.subarray(0, size);
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** `sign` must not keep its argument: it is a view of a buffer the next seal or open overwrites. */
export function sealStandIn(cmd: KernelCommand, sign: (m: Uint8Array) => Uint8Array): Uint8Array {
  const commandBytes = encodeCommand(cmd);
  const signature = sign(layOutMessage(cmd.principal, commandBytes, 'scratch'));
  if (signature.length === 0 || signature.length > 255) throw new RangeError(`envelope signature length ${signature.length} not in 1..255`);
  // u8 length | signature | command bytes, written into the one array that is sent.
  const out = new Uint8Array(1 + signature.length + commandBytes.length);
  out[0] = signature.length;
  out.set(signature, 1);
  out.set(commandBytes, 1 + signature.length);
  return out;
}

/** `verify` must not keep the message: it is a view of a buffer the next seal or open overwrites. */
export function openStandIn(bytes: Uint8Array, verify: (principal: string, message: Uint8Array, sig: Uint8Array) => boolean): OpenedCommand {
  if (!(bytes instanceof Uint8Array) || bytes.length < 2) return { ok: false, reason: 'envelope too short' };
  if (bytes.length > maxEnvelopeBytes) return { ok: false, reason: `envelope larger than ${maxEnvelopeBytes} bytes` };
  const sigLen = bytes[0];
  if (sigLen === 0 || 1 + sigLen >= bytes.length) return { ok: false, reason: 'envelope signature length out of range' };
  const signature = bytes.subarray(1, 1 + sigLen);
  const commandBytes = bytes.subarray(1 + sigLen);
  let kernelCommand: KernelCommand;
  try {
    kernelCommand = decodeCommand(commandBytes);
  } catch (e) {
    return { ok: false, reason: `malformed command: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (kernelCommand.signers !== undefined) return { ok: false, reason: 'a client command cannot carry signers' };
  if (!verify(kernelCommand.principal, layOutMessage(kernelCommand.principal, commandBytes, 'scratch'), signature)) return { ok: false, reason: 'bad client signature' };
  return { ok: true, client: kernelCommand.principal, seq: kernelCommand.seq, kernelCommand };
}
