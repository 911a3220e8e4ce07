// The stand-in client envelope (standin crypto mode): what consensus orders as a command's opaque
// bytes when clients sign with the simulator's MAC instead of Ed25519. Layout:
//   u8 signature length | signature | kernel command bytes (encodeCommand)
// signed over tag || principal || command bytes. `--crypto real` uses node/client/envelope.ts, the
// envelope production replicas check, instead. Opening never throws: any defect is a reason.
import { concatBytes, utf8 } from '../crypto/bytes.js';
import { decodeCommand, encodeCommand, type KernelCommand } from '../kernel/api.js';

export const ENVELOPE_TAG = 'knhk/sim/client-envelope';
export const maxEnvelopeBytes = 64 * 1024;

export type OpenedCommand = { ok: true; client: string; seq: number; kernelCommand: KernelCommand } | { ok: false; reason: string };

const tagBytes = utf8(ENVELOPE_TAG);

/** The message a client signs: tag || 0 || principal || 0 || command bytes (one allocation: it is built per seal and per check). */
export function envelopeMessage(principal: string, commandBytes: Uint8Array): Uint8Array {
  // Principals are hex key ids: ASCII is copied char by char (a TextEncoder call per seal and per
  // check cost more than the rest); anything else goes through UTF-8 as before. Same bytes.
  const ascii = isAscii(principal);
  const p = ascii ? null : utf8(principal);
  const pLength = p === null ? principal.length : p.length;
  const out = new Uint8Array(tagBytes.length + 1 + pLength + 1 + commandBytes.length);
  out.set(tagBytes, 0);
  const at = tagBytes.length + 1;
  if (p === null) for (let i = 0; i < pLength; i++) out[at + i] = principal.charCodeAt(i);
  else out.set(p, at);
  out.set(commandBytes, at + pLength + 1);
  return out;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

export function sealStandIn(cmd: KernelCommand, sign: (m: Uint8Array) => Uint8Array): Uint8Array {
  const commandBytes = encodeCommand(cmd);
  const signature = sign(envelopeMessage(cmd.principal, commandBytes));
  if (signature.length === 0 || signature.length > 255) throw new RangeError(`envelope signature length ${signature.length} not in 1..255`);
  return concatBytes(new Uint8Array([signature.length]), signature, commandBytes);
}

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
  if (!verify(kernelCommand.principal, envelopeMessage(kernelCommand.principal, commandBytes), signature)) return { ok: false, reason: 'bad client signature' };
  return { ok: true, client: kernelCommand.principal, seq: kernelCommand.seq, kernelCommand };
}
