// A FIFO of bytes: stream pieces arrive in any size and frames leave in
// fixed sizes, without re-concatenating the whole buffer on every piece.

export class ByteQueue {
  private parts: Uint8Array[] = [];
  private offset = 0;
  private size = 0;

  get length(): number {
    return this.size;
  }

  /** Copies `chunk`, so a source may reuse its buffer after handing it over. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.parts.push(chunk.slice());
    this.size += chunk.length;
  }

  /** Removes and returns the first `n` bytes (n <= length). */
  take(n: number): Uint8Array {
    if (n > this.size) throw new RangeError(`take(${n}) from ${this.size} bytes`);
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const head = this.parts[0] as Uint8Array;
      const count = Math.min(n - filled, head.length - this.offset);
      out.set(head.subarray(this.offset, this.offset + count), filled);
      filled += count;
      this.offset += count;
      if (this.offset === head.length) {
        this.parts.shift();
        this.offset = 0;
      }
    }
    this.size -= n;
    return out;
  }
}
