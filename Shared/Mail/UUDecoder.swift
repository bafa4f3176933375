/// Decodes uuencoded bodies (`begin 644 name` … `end`), line by line, in chunks of any size.
/// Text outside the `begin`/`end` block is skipped; a body without `begin` is taken as data lines.
struct UUDecoder {
    private var line: [UInt8] = []
    private var sawBegin = false
    private var ended = false
    private(set) var hadJunk = false

    mutating func feed(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        for byte in input {
            if byte == ASCII.lf {
                decodeLine(into: &output)
                line.removeAll(keepingCapacity: true)
            } else if byte != ASCII.cr {
                line.append(byte)
            }
        }
    }

    mutating func finish(into output: inout [UInt8]) {
        if !line.isEmpty { decodeLine(into: &output) }
        line.removeAll()
    }

    private mutating func decodeLine(into output: inout [UInt8]) {
        guard !ended, !line.isEmpty else { return }
        if line.starts(with: Array("begin ".utf8)) {
            sawBegin = true
            return
        }
        if line == Array("end".utf8) {
            ended = true
            return
        }
        guard sawBegin else { return }  // text before the block
        let count = Int((line[0] &- 0x20) & 0x3F)
        guard count > 0 else { return }
        var produced = 0
        var index = 1
        while produced < count {
            var group: [UInt8] = [0, 0, 0, 0]
            for offset in 0..<4 {
                if index + offset < line.count {
                    group[offset] = (line[index + offset] &- 0x20) & 0x3F
                } else {
                    hadJunk = true
                }
            }
            let bytes = [group[0] << 2 | group[1] >> 4, group[1] << 4 | group[2] >> 2, group[2] << 6 | group[3]]
            for byte in bytes where produced < count {
                output.append(byte)
                produced += 1
            }
            index += 4
        }
    }
}
