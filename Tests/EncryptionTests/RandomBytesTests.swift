import Encryption
import Testing

@Suite("Random bytes in one system call")
struct RandomBytesTests {
    @Test("every length from 0 to 256 is filled, and two draws differ")
    func fills() {
        #expect(RandomBytes.make(count: 0).isEmpty)
        for count in [1, 8, 12, 24, 255, 256] {
            let first = RandomBytes.make(count: count)
            #expect(first.count == count)
            // 16 bytes or more equal by chance would be a 2^-128 event.
            if count >= 16 { #expect(first != RandomBytes.make(count: count)) }
        }
        // Every byte of a long buffer is written: a buffer of 0xAA left as it was would show runs.
        var buffer = [UInt8](repeating: 0xAA, count: 256)
        buffer.withUnsafeMutableBytes { RandomBytes.fill($0) }
        var longestRun = 0, run = 0
        for byte in buffer { run = byte == 0xAA ? run + 1 : 0; longestRun = max(longestRun, run) }
        #expect(longestRun < 4)
    }
}
