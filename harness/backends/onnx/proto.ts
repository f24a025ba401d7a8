// A minimal protocol-buffers wire encoder: just what writing ONNX models needs
// (varints, 32-bit floats, length-delimited bytes, nested messages, packed
// repeated fields). Each message is built as a list of encoded fields.

/** Protobuf wire types. */
const WIRE = { varint: 0, fixed32: 5, bytes: 2 } as const;

/** An encoded message under construction; fields are appended in call order. */
export class Message {
  private chunks: Uint8Array[] = [];

  /** An int32/int64/enum/bool field. Negative values take ten bytes, as protobuf says. */
  varint(field: number, value: number | bigint): this {
    this.key(field, WIRE.varint);
    this.chunks.push(varint(value));
    return this;
  }

  float(field: number, value: number): this {
    this.key(field, WIRE.fixed32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.chunks.push(b);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, WIRE.bytes);
    this.chunks.push(varint(value.length), value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, m: Message): this {
    return this.bytes(field, m.finish());
  }

  /** A packed repeated int64 field. */
  packedVarints(field: number, values: Array<number | bigint>): this {
    return this.bytes(field, concat(values.map(varint)));
  }

  finish(): Uint8Array {
    return concat(this.chunks);
  }

  private key(field: number, wire: number): void {
    this.chunks.push(varint(field * 8 + wire));
  }
}

/** Base-128 varint; negative numbers as their 64-bit two's complement. */
export function varint(value: number | bigint): Uint8Array {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return Uint8Array.from(out);
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
