// Yamux flow control with fewer window updates. @chainsafe/libp2p-yamux 8 answers EVERY data frame
// it receives with a WINDOW_UPDATE frame (its `sendWindowUpdate` sends whenever any byte of the
// receive window was used). For our traffic — many small frames — that doubles the frames on every
// connection: each costs a noise encryption, a socket write and, on the other side, a decryption
// and a muxer dispatch (~40% of an idle replica's CPU, a large share under load).
//
// go-yamux and rust-yamux send an update only once at least half of the window has been consumed;
// this does the same. The flow-control contract is unchanged: the sender still never exceeds the
// window we granted (its capacity only shrinks by what it sent, and we top it up before it falls
// below half), and frames that carry flags (SYN/ACK when a stream opens) or a resume after a pause
// go through the library's own method untouched.
//
// The stream class is not exported by the package (its `exports` map hides dist/src/stream.js), so
// it is reached by file URL next to the package entry point. If the library changes shape, the
// patch is skipped (with the library's own behaviour) rather than failing.

/** The fields of YamuxStream this patch reads (see @chainsafe/libp2p-yamux dist/src/stream.js). */
interface YamuxStreamLike {
  state: number;
  recvWindow: number;
  recvWindowCapacity: number;
  sendWindowUpdate(): void;
}

/** StreamState.Established in dist/src/stream.js: the only state in which updates carry no flags. */
const ESTABLISHED = 3;

let patched = false;

export async function patchYamuxWindowUpdates(): Promise<boolean> {
  if (patched) return true;
  try {
    const entry = import.meta.resolve('@chainsafe/libp2p-yamux');
    const mod = (await import(new URL('./stream.js', entry).href)) as { YamuxStream?: { prototype: YamuxStreamLike }; StreamState?: Record<string, number> };
    const proto = mod.YamuxStream?.prototype;
    if (proto === undefined || typeof proto.sendWindowUpdate !== 'function' || mod.StreamState?.Established !== ESTABLISHED) return false;
    const original = proto.sendWindowUpdate;
    proto.sendWindowUpdate = function (this: YamuxStreamLike): void {
      // Established: no flags to send; skip while more than half of the window is still open.
      if (this.state === ESTABLISHED && this.recvWindowCapacity > this.recvWindow / 2) return;
      original.call(this);
    };
    patched = true;
    return true;
  } catch {
    return false;
  }
}

