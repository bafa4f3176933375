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
    mutating func feed(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        output.reserveCapacity(output.count + input.count / 4 * 3 + 3)
        Self.table.withUnsafeBufferPointer { table in
            var accumulator = self.accumulator
            var pending = self.pending
            for byte in input {
                let value = table[Int(byte)]
                if value < 64 {
                    accumulator = accumulator << 6 | UInt32(value)
                    pending += 1
                    if pending == 4 {
                        output.append(UInt8(truncatingIfNeeded: accumulator >> 16))
                        output.append(UInt8(truncatingIfNeeded: accumulator >> 8))
                        output.append(UInt8(truncatingIfNeeded: accumulator))
                        pending = 0
                        accumulator = 0
                    }
                } else if value == 64 {
                    Self.flushPartial(accumulator: accumulator, pending: pending, into: &output, hadJunk: &hadJunk)
                    pending = 0
                    accumulator = 0
                } else if value == 255 {
                    hadJunk = true
                }
            }
            self.accumulator = accumulator
            self.pending = pending
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
