#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Conversion to UTF-8 through the C library's iconv. Each call has a descriptor of its own for the
/// time it runs (descriptors carry state), from `IconvDescriptorPool`, so any number of tasks may
/// convert at once.
enum IconvConverter {
    /// The text of `bytes` in charset `name` (an iconv name), and whether any bytes were invalid. An
    /// invalid sequence becomes one U+FFFD and conversion goes on after it (`layout` says how long the
    /// sequence is); a sequence cut off at the end becomes one U+FFFD. Nil when iconv has no converter
    /// for `name`.
    static func convert(_ bytes: UnsafeRawBufferPointer, from name: String, layout: MultiByteLayout) -> (text: String, invalid: Bool)? {
        IconvDescriptorPool.withDescriptor(from: name) { convert(bytes, with: $0, layout: layout) }
    }

    private static func convert(
        _ bytes: UnsafeRawBufferPointer, with descriptor: iconv_t, layout: MultiByteLayout
    ) -> (text: String, invalid: Bool) {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2 + 16)
        var invalid = false
        let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
        let chunkSize = 4096

        withUnsafeTemporaryAllocation(of: CChar.self, capacity: chunkSize) { chunk in
            guard let chunkStart = chunk.baseAddress else { return }
            /// Runs iconv once (nil input flushes the state), appending what it wrote; returns its errno
            /// (0 on success), or EILSEQ when it failed without converting anything.
            func step(_ input: inout UnsafeMutablePointer<CChar>?, _ inputLeft: inout Int, flush: Bool) -> Int32 {
                let inputBefore = inputLeft
                var out: UnsafeMutablePointer<CChar>? = chunkStart
                var outLeft = chunkSize
                let result = flush
                    ? iconv(descriptor, nil, nil, &out, &outLeft)
                    : iconv(descriptor, &input, &inputLeft, &out, &outLeft)
                let error = result == -1 ? errno : 0
                let written = chunkSize - outLeft
                UnsafeRawBufferPointer(start: chunkStart, count: written).withMemoryRebound(to: UInt8.self) {
                    output.append(contentsOf: $0)
                }
                if !flush, error != EINVAL, written == 0, inputLeft == inputBefore { return EILSEQ }
                return error
            }

            /// Ends the conversion, writing what a stateful charset still holds (a few bytes at most).
            func finish() {
                var none: UnsafeMutablePointer<CChar>? = nil
                var zero = 0
                _ = step(&none, &zero, flush: true)
            }

            guard let base = bytes.baseAddress else { return finish() }
            let start = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: CChar.self))
            var input: UnsafeMutablePointer<CChar>? = start
            var inputLeft = bytes.count
            while inputLeft > 0 {
                switch step(&input, &inputLeft, flush: false) {
                case 0, E2BIG:
                    continue
                case EINVAL:
                    // An incomplete sequence at the end.
                    output.append(contentsOf: replacement)
                    invalid = true
                    inputLeft = 0
                default:
                    // EILSEQ (or anything unexpected): replace the bad sequence and go on after it.
                    output.append(contentsOf: replacement)
                    invalid = true
                    let offset = bytes.count - inputLeft
                    let next: UInt8? = inputLeft > 1 ? bytes[offset + 1] : nil
                    let skip = min(inputLeft, layout.invalidSequenceLength(lead: bytes[offset], next: next))
                    input = start + offset + skip
                    inputLeft -= skip
                }
            }
            finish()
        }
        return (String(decoding: output, as: UTF8.self), invalid)
    }
}
