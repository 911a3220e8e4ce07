// One socket write per libp2p message instead of one per buffer. @libp2p/tcp 11 hands the socket
// every buffer of a message separately (`socket.write` per Uint8ArrayList element), and noise
// makes each of its messages two buffers (a 2-byte length, then the ciphertext), so every frame
// we send cost two write(2) system calls — on loopback each also runs the receiver's TCP path.
// Corking the socket around the buffers of one message lets Node hand them to the kernel in one
// writev(2): same bytes in the same order, same backpressure answer (the last write's).
// Measured with two hosts in one process exchanging 200-byte messages: ~9% less CPU per round
// trip, system time per round trip 46 -> 30 µs.
//
// The connection class is not exported (the package's `exports` map hides its file), so it is
// reached by file URL next to the package entry point, and its prototype is taken from a throwaway
// instance around an inert socket stand-in. If the library changes shape, the patch is skipped.
import { EventEmitter } from 'node:events';
import { multiaddr } from '@multiformats/multiaddr';

interface SocketLike {
  cork(): void;
  uncork(): void;
}

interface TcpConnectionLike {
  socket: SocketLike;
  sendData(data: { bufs?: unknown[] }): unknown;
}

let patched = false;

export async function patchTcpWrites(): Promise<boolean> {
  if (patched) return true;
  try {
    const entry = import.meta.resolve('@libp2p/tcp');
    const mod = (await import(new URL('./socket-to-conn.js', entry).href)) as { toMultiaddrConnection?: (init: unknown) => TcpConnectionLike };
    if (typeof mod.toMultiaddrConnection !== 'function') return false;
    // An inert socket: the constructor only registers listeners and an idle timeout on it.
    const socket = Object.assign(new EventEmitter(), { setTimeout: () => undefined, remoteAddress: '127.0.0.1', remotePort: 1 });
    const log = Object.assign(() => undefined, { trace: () => undefined, error: () => undefined, enabled: false });
    const probe = mod.toMultiaddrConnection({ socket, remoteAddr: multiaddr('/ip4/127.0.0.1/tcp/1'), direction: 'outbound', log });
    const proto = Object.getPrototypeOf(probe) as TcpConnectionLike;
    if (typeof proto.sendData !== 'function') return false;
    const original = proto.sendData;
    proto.sendData = function (this: TcpConnectionLike, data: { bufs?: unknown[] }): unknown {
      if (!Array.isArray(data.bufs) || data.bufs.length < 2) return original.call(this, data);
      this.socket.cork();
      try {
        return original.call(this, data);
      } finally {
        this.socket.uncork();
      }
    };
    patched = true;
    return true;
  } catch {
    return false;
  }
}
