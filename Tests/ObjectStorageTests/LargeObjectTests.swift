import Foundation
import ObjectStorage
import Testing
import TestSupport

/// Large objects, one test at a time so that each one's memory measurement is its own.
@Suite("Large objects", .serialized)
struct LargeObjectTests {
    /// A 100 MiB file streamed file → store → file on each store, with the peak resident
    /// memory growth measured around the round trip (`VmHWM` reset through
    /// `/proc/self/clear_refs`, compared with `VmRSS` before).
    ///
    /// Measured here (Debian 12, 2 cores, debug build, moto on loopback): local store 0 MiB
    /// (1 MiB copy chunks, reused); S3 21 MiB (8 MiB parts, each copied once more into
    /// libcurl's request buffer; the download streams to a file). The bounds below are a
    /// quarter and a half of the object's size.
    @Test("a 100 MiB object round-trips byte-exact with bounded memory", .timeLimit(.minutes(5)), arguments: StoreKind.allCases)
    func streamedRoundTrip(_ kind: StoreKind) async throws {
        let directory = StoreFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("source.bin")
        let target = directory.appendingPathComponent("target.bin")
        let size: Int64 = 100 << 20
        try await writeRandomFile(source, size: size)
        let expected = try await sha256sum(source)

        try await StoreFixture.withStore(kind) { store in
            let resetWorked = ProcessMemory.resetPeak()
            let before = try #require(ProcessMemory.bytes("VmRSS"))
            try await store.put(key: "large/100mib.bin", file: source)
            try await store.get(key: "large/100mib.bin", to: target)
            let peak = try #require(ProcessMemory.bytes("VmHWM"))
            let growth = peak - before
            let bound = kind == .local ? size / 4 : size / 2
            print("ObjectStorage \(kind): 100 MiB round trip, peak RSS growth \(growth >> 20) MiB (bound \(bound >> 20) MiB, peak reset \(resetWorked))")
            #expect(resetWorked, "VmHWM could not be reset, so the growth is not measured")
            #expect(growth < bound, "peak RSS grew by \(growth >> 20) MiB for a \(size >> 20) MiB object")
            #expect(try await store.head(key: "large/100mib.bin")?.size == size)
        }
        #expect(try await sha256sum(target) == expected)
    }

    /// Multipart upload of a 12 MB file in 5 MiB parts: three parts, the last one short.
    @Test("a 12 MB file uploads in 5 MiB parts and round-trips byte-exact")
    func multipartUpload() async throws {
        let directory = StoreFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("source.bin")
        let target = directory.appendingPathComponent("target.bin")
        let bytes = StoreFixture.bytes(12_000_000, seed: 12)
        try Data(bytes).write(to: source)
        var configuration = try StoreFixture.s3Configuration()
        configuration.partSize = S3ObjectStore.Configuration.minimumPartSize
        configuration.multipartThreshold = Int64(S3ObjectStore.Configuration.minimumPartSize)
        try await StoreFixture.withS3Store(configuration) { store in
            try await store.put(key: "multipart/12mb.bin", file: source)
            let info = try #require(try await store.head(key: "multipart/12mb.bin"))
            #expect(info.size == 12_000_000)
            // A multipart ETag ends with the number of parts.
            #expect(info.etag?.hasSuffix("-3") == true, "\(info.etag ?? "no ETag")")
            try await store.get(key: "multipart/12mb.bin", to: target)
            #expect(try Array(Data(contentsOf: target)) == bytes)
            #expect(try await sha256sum(target) == sha256sum(source))
        }
    }

    /// Fills `file` with `size` random bytes from `/dev/urandom`, 1 MiB at a time, on a thread of
    /// its own: a hundred MiB of reads and writes would otherwise hold a cooperative thread.
    private func writeRandomFile(_ file: URL, size: Int64) async throws {
        try await offThePool {
            guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
                throw ObjectStorageTestFailure("cannot create \(file.path)")
            }
            let output = try FileHandle(forWritingTo: file)
            defer { try? output.close() }
            let random = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/dev/urandom"))
            defer { try? random.close() }
            var written: Int64 = 0
            while written < size {
                let chunk = try random.read(upToCount: Int(min(1 << 20, size - written))) ?? Data()
                try output.write(contentsOf: chunk)
                written += Int64(chunk.count)
            }
        }
    }
}
