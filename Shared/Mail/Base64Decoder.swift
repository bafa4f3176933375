/// A forgiving base64 decoder, as mail needs: line ends, spaces and junk characters are skipped
/// (junk is reported), padding may be missing, and data after a padded group keeps decoding
/// (concatenated base64 blocks exist in the wild). Works in chunks of any size.
struct Base64Decoder {
    private var accumulator: UInt32 = 0
    private var pending = 0
    /// Whether anything other than base64 alphabet, padding and whitespace was seen.
    private(set) var hadJunk = false

    /// 0...63 for alphabet characters, 64 for `=`, 65 for whitespace, 255 for junk.
    private static let table: [UInt8] = {
        var table = [UInt8](repeating: 255, count: 256)
        for (value, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(character)] = UInt8(value)
        }
        table[Int(UInt8(ascii: "-"))] = 62  // base64url, seen from some webmail exports
        table[Int(UInt8(ascii: "_"))] = 63
        table[Int(UInt8(ascii: "="))] = 64
        for whitespace in [ASCII.space, ASCII.tab, ASCII.cr, ASCII.lf] { table[Int(whitespace)] = 65 }
        return table
    }()

    /// Decodes `input` and appends the bytes to `output`.
    ///
    /// The hot loop decodes whole groups of four alphabet characters at once (every table value
    /// that is not an alphabet character has bit 6 or 7 set, so one OR tests all four) into an
    /// uninitialised buffer; anything else — line ends, padding, junk, a group split across
    /// chunks — takes the byte-at-a-time path.
    mutating func feed(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        let capacity = (input.count + 3) / 4 * 3 + 6
        var accumulator = self.accumulator
        var pending = self.pending
        var junk = false
        let decoded = Self.table.withUnsafeBufferPointer { table in
            [UInt8](unsafeUninitializedCapacity: capacity) { out, written in
                var produced = 0
                var index = 0
                let count = input.count
                while index < count {
                    if pending == 0 && index + 4 <= count {
                        let a = table[Int(input[index])]
                        let b = table[Int(input[index + 1])]
                        let c = table[Int(input[index + 2])]
                        let d = table[Int(input[index + 3])]
                        if (a | b | c | d) < 64 {
                            let value = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                            out[produced] = UInt8(truncatingIfNeeded: value >> 16)
                            out[produced + 1] = UInt8(truncatingIfNeeded: value >> 8)
                            out[produced + 2] = UInt8(truncatingIfNeeded: value)
                            produced += 3
                            index += 4
                            continue
                        }
                    }
                    let value = table[Int(input[index])]
                    index += 1
                    if value < 64 {
                        accumulator = accumulator << 6 | UInt32(value)
                        pending += 1
                        if pending == 4 {
                            out[produced] = UInt8(truncatingIfNeeded: accumulator >> 16)
                            out[produced + 1] = UInt8(truncatingIfNeeded: accumulator >> 8)
                            out[produced + 2] = UInt8(truncatingIfNeeded: accumulator)
                            produced += 3
                            pending = 0
                            accumulator = 0
                        }
                    } else if value == 64 {
                        produced += Self.writePartial(accumulator: accumulator, pending: pending, into: out, at: produced, hadJunk: &junk)
                        pending = 0
                        accumulator = 0
                    } else if value == 255 {
                        junk = true
                    }
                }
                written = produced
            }
        }
        output.append(contentsOf: decoded)
        self.accumulator = accumulator
        self.pending = pending
        if junk { hadJunk = true }
    }

    /// Writes what an incomplete group holds; returns the number of bytes written (0–2).
    private static func writePartial(
        accumulator: UInt32, pending: Int, into out: UnsafeMutableBufferPointer<UInt8>, at position: Int, hadJunk: inout Bool
    ) -> Int {
        switch pending {
        case 2:
            out[position] = UInt8(truncatingIfNeeded: accumulator >> 4)
            return 1
        case 3:
            out[position] = UInt8(truncatingIfNeeded: accumulator >> 10)
            out[position + 1] = UInt8(truncatingIfNeeded: accumulator >> 2)
            return 2
        case 1:
            hadJunk = true  // six bits cannot make a byte
            return 0
        default:
            return 0
        }
    }

    /// Emits what a final group without padding holds.
    mutating func finish(into output: inout [UInt8]) {
        Self.flushPartial(accumulator: accumulator, pending: pending, into: &output, hadJunk: &hadJunk)
        pending = 0
        accumulator = 0
    }

    private static func flushPartial(accumulator: UInt32, pending: Int, into output: inout [UInt8], hadJunk: inout Bool) {
        switch pending {
        case 2:
            output.append(UInt8(truncatingIfNeeded: accumulator >> 4))
        case 3:
            output.append(UInt8(truncatingIfNeeded: accumulator >> 10))
            output.append(UInt8(truncatingIfNeeded: accumulator >> 2))
        case 1:
            hadJunk = true  // six bits cannot make a byte
        default:
            break
        }
    }

    /// Decodes a whole collection at once.
    static func decode(_ input: some Collection<UInt8>) -> (bytes: [UInt8], hadJunk: Bool) {
        var decoder = Base64Decoder()
        var output: [UInt8] = []
        let contiguous = Array(input)
        contiguous.withUnsafeBufferPointer { decoder.feed($0, into: &output) }
        decoder.finish(into: &output)
        return (output, decoder.hadJunk)
    }
}
